// A forward or backward pass run in blocks of whole rows, so that a caller can stop or yield between blocks.
// Imports only the core and the pure split helpers: the worker and the event loop both run it.
import type { ActivationDefinition, FloatArray, Kink, ParamGrads, ParamValues, Tensor } from '../core/definition.js';
import { rowLayout, slices, sumParamGrads } from './split.js';

/**
 * Elements per block: ~0.1 ms of relu, ~1 ms of the costliest kernels. Cancellation and the
 * event loop's turns happen between blocks, so this bounds how long either waits.
 */
export const BLOCK_ELEMENTS = 1 << 16;

/** One pass: x, the upstream gradient for backward, and where the result goes (the output or grad_input). */
export interface KernelJob {
  op: 'forward' | 'backward';
  def: ActivationDefinition;
  x: Tensor;
  gradOutput?: Tensor;
  params: ParamValues;
  kink: Kink;
  out: FloatArray;
}

/**
 * The kernel writes into `out`. A kernel that returns its own array instead is copied in, which
 * rounds once into a float32 `out`: either way the bytes are those of the kernel.
 */
function forwardInto(def: ActivationDefinition, x: Tensor, params: ParamValues, out: FloatArray): void {
  const y = def.forward(x, params as never, out);
  if (y.data !== out) out.set(y.data);
}

function backwardInto(def: ActivationDefinition, x: Tensor, g: Tensor, params: ParamValues, kink: Kink, out: FloatArray): ParamGrads {
  const grad = def.backward(x, g, params as never, kink, out);
  if (grad.gradInput.data !== out) out.set(grad.gradInput.data);
  return grad.gradParams;
}

/**
 * Runs the job one block at a time, yielding after each block but the last; returns the parameter
 * gradients (backward) or null. Rows stay whole (split.ts), so each block computes exactly what the
 * kernel computes for those rows inside the whole batch; a batch of one block is the plain call.
 * Parameter gradients of several blocks are summed with compensation, as slices' are.
 */
export function* blockwise(job: KernelJob, blockElements = BLOCK_ELEMENTS): Generator<void, ParamGrads | null> {
  const { op, def, x, gradOutput, params, kink, out } = job;
  const outSize = op === 'forward' ? out.length : gradOutput!.data.length;
  const layout = rowLayout(def, x.shape, params, outSize);
  const count = Math.ceil((layout.rows * layout.rowSize) / blockElements);
  const parts: ParamGrads[] = [];
  const blocks = slices(layout, count, x.shape);
  for (let b = 0; b < blocks.length; b++) {
    if (b > 0) yield;
    const s = blocks[b];
    const xs: Tensor = blocks.length === 1 ? x : { data: x.data.subarray(s.inStart, s.inEnd), shape: s.shape };
    if (op === 'forward') {
      forwardInto(def, xs, params, blocks.length === 1 ? out : out.subarray(s.outStart, s.outEnd));
      continue;
    }
    const g = gradOutput!;
    const gs: Tensor =
      blocks.length === 1 ? g : { data: g.data.subarray(s.outStart, s.outEnd), shape: def.outputShape?.(s.shape, params as never) ?? s.shape };
    parts.push(backwardInto(def, xs, gs, params, kink, blocks.length === 1 ? out : out.subarray(s.inStart, s.inEnd)));
  }
  return op === 'forward' ? null : sumParamGrads(parts);
}

/** The whole job in one call: the synchronous path of small batches. */
export function runWhole(job: KernelJob): ParamGrads | null {
  const { def, x, params, out } = job;
  if (job.op === 'forward') {
    forwardInto(def, x, params, out);
    return null;
  }
  return backwardInto(def, x, job.gradOutput!, params, job.kink, out);
}
