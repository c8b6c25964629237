// One slice of a forward or backward pass as posted to a worker: arrays named by arena offset, a cancellation slot.
// Imports only the core and pure helpers, so the worker that loads it never loads Fastify or the pool.
import type { Dtype, Kink, ParamGrads, ParamValues } from '../core/definition.js';
import { registry } from '../core/registry.js';
import { arrayAt, type ArenaArray, type ArenaViews } from '../memory/views.js';
import { blockwise } from './blocks.js';

/**
 * A slice as posted to a worker. x, the upstream gradient and the output are regions of the arena
 * the worker received once at start, so posting a slice copies a few numbers, never the data;
 * `shape` is the slice's own shape (see split.ts).
 */
export interface SliceTask {
  op: 'forward' | 'backward';
  name: string;
  dtype: Dtype;
  x: ArenaArray;
  gradOutput?: ArenaArray;
  out: ArenaArray;
  shape: number[];
  params: ParamValues;
  kink: Kink;
  /** The request's cancellation flag (see admission.ts). */
  slot: number;
}

/** What a task answers when it saw its cancellation flag between two blocks and stopped. */
export const CANCELLED = 'cancelled';

/** Runs a posted slice block by block; answers the parameter gradients (backward), null (forward) or CANCELLED. */
export function runSlice(task: SliceTask, views: ArenaViews, cancelled: () => boolean): ParamGrads | null | typeof CANCELLED {
  const def = registry.get(task.name);
  if (def === undefined) throw new Error(`unknown activation in a worker task: ${task.name}`);
  const x = arrayAt(views, task.dtype, task.x);
  const gradShape = def.outputShape?.(task.shape, task.params as never) ?? task.shape;
  const blocks = blockwise({
    op: task.op,
    def,
    x: { data: x, shape: task.shape },
    gradOutput: task.gradOutput && { data: arrayAt(views, task.dtype, task.gradOutput), shape: gradShape },
    params: task.params,
    kink: task.kink,
    out: arrayAt(views, task.dtype, task.out),
  });
  for (;;) {
    if (cancelled()) return CANCELLED;
    const step = blocks.next();
    if (step.done) return step.value;
  }
}
