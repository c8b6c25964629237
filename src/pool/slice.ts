// One slice of a forward or backward pass: what a worker is sent, and the call both paths make.
// Imports only the core, so the worker that loads it never loads Fastify or the pool.
import type { ActivationDefinition, FloatArray, Kink, ParamGrads, ParamValues, Tensor } from '../core/definition.js';
import { registry } from '../core/registry.js';

/**
 * The kernel writes into `out` (a slice of the answer's buffer). A kernel that returns its own
 * array instead is copied in, which rounds once into a float32 `out`: either way the bytes are
 * those of the kernel, so the inline path and every worker agree.
 */
export function forwardInto(def: ActivationDefinition, x: Tensor, params: ParamValues, out: FloatArray): void {
  const y = def.forward(x, params as never, out);
  if (y.data !== out) out.set(y.data);
}

/** Writes grad_input into `out` and returns the parameter gradients of this slice. */
export function backwardInto(
  def: ActivationDefinition,
  x: Tensor,
  gradOutput: Tensor,
  params: ParamValues,
  kink: Kink,
  out: FloatArray,
): ParamGrads {
  const g = def.backward(x, gradOutput, params as never, kink, out);
  if (g.gradInput.data !== out) out.set(g.gradInput.data);
  return g.gradParams;
}

/**
 * A slice as posted to a worker. The arrays are views on SharedArrayBuffers, so posting them
 * shares the memory instead of copying it; `shape` is the slice's own shape (see split.ts).
 */
export type SliceTask =
  | { op: 'forward'; name: string; x: FloatArray; shape: number[]; params: ParamValues; out: FloatArray }
  | {
      op: 'backward';
      name: string;
      x: FloatArray;
      gradOutput: FloatArray;
      shape: number[];
      params: ParamValues;
      kink: Kink;
      out: FloatArray;
    };

/** Runs a posted slice; answers the slice's parameter gradients (backward) or null (forward). */
export function runSlice(task: SliceTask): ParamGrads | null {
  const def = registry.get(task.name);
  if (def === undefined) throw new Error(`unknown activation in a worker task: ${task.name}`);
  const x: Tensor = { data: task.x, shape: task.shape };
  if (task.op === 'forward') {
    forwardInto(def, x, task.params, task.out);
    return null;
  }
  const gradShape = def.outputShape?.(task.shape, task.params as never) ?? task.shape;
  return backwardInto(def, x, { data: task.gradOutput, shape: gradShape }, task.params, task.kink, task.out);
}
