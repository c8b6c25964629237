// Inline or pool: the work of a batch is its elements x the cost class of its function (relu = 1).
import type { ActivationDefinition } from '../core/definition.js';

/**
 * Cost classes on a ladder of about sqrt(10): a function sits in the class nearest (geometrically)
 * to its time per element divided by relu's forward, so it is within ~1.8x of its class.
 */
export const COST_CLASSES = { cheap: 1, moderate: 3, costly: 10, expensive: 30, heavy: 100 } as const;
export type CostClass = keyof typeof COST_CLASSES;

/**
 * [forward, backward] classes, measured with bench/kernels.ts (full run, 2026-12-04, 2 cores,
 * Node 20): 1M elements ([1024, 1024] for the axis functions), the slower of float32 and float64
 * divided by relu's forward in the same element type (2.2 and 2.5 ns per element). Ratios
 * forward/backward: relu 1.0/1.6, leaky_relu 0.9/2.8, prelu 0.9/2.8, shifted_relu 2.1/2.2,
 * threshold 2.3/2.4, relu6 2.2/2.2, hardtanh 1.8/2.2, elu 5.2/7.4, celu 7.1/14, selu 6.3/7.1,
 * gelu 14/18, silu 4.7/11, swish 5.6/25, softplus 15/21, mish 8.3/23, sigmoid 4.0/7.3,
 * tanh 5.2/7.4, logsigmoid 11/6.0, softsign 3.1/5.8, tanhshrink 33/32, hardsigmoid 1.4/2.1,
 * hardswish 1.5/2.4, softshrink 1.7/2.0, hardshrink 1.4/2.0, softmax 6.5/21, log_softmax 6.9/20,
 * softmin 6.4/21, logsumexp 6.0/6.5, glu 2.5/3.1. When the kernels change, measure again.
 */
export const FUNCTION_COSTS: Readonly<Record<string, readonly [CostClass, CostClass]>> = {
  relu: ['cheap', 'cheap'],
  leaky_relu: ['cheap', 'moderate'],
  prelu: ['cheap', 'moderate'],
  shifted_relu: ['moderate', 'moderate'],
  threshold: ['moderate', 'moderate'],
  relu6: ['moderate', 'moderate'],
  hardtanh: ['moderate', 'moderate'],
  elu: ['moderate', 'costly'],
  celu: ['costly', 'costly'],
  selu: ['costly', 'costly'],
  gelu: ['costly', 'expensive'],
  silu: ['moderate', 'costly'],
  swish: ['costly', 'expensive'],
  softplus: ['costly', 'expensive'],
  mish: ['costly', 'expensive'],
  sigmoid: ['moderate', 'costly'],
  tanh: ['moderate', 'costly'],
  logsigmoid: ['costly', 'costly'],
  softsign: ['moderate', 'costly'],
  tanhshrink: ['expensive', 'expensive'],
  hardsigmoid: ['cheap', 'moderate'],
  hardswish: ['cheap', 'moderate'],
  softshrink: ['moderate', 'moderate'],
  hardshrink: ['cheap', 'moderate'],
  softmax: ['costly', 'expensive'],
  log_softmax: ['costly', 'expensive'],
  softmin: ['costly', 'expensive'],
  logsumexp: ['costly', 'costly'],
  glu: ['moderate', 'moderate'],
};

/** A function missing from the table counts as heavy: the pool is the safe side for the event loop. */
const UNKNOWN: readonly [CostClass, CostClass] = ['heavy', 'heavy'];

/** Elements x the cost class of the forward pass. */
export function forwardWork(def: ActivationDefinition, elements: number): number {
  return elements * COST_CLASSES[(FUNCTION_COSTS[def.name] ?? UNKNOWN)[0]];
}

export function backwardWork(def: ActivationDefinition, elements: number): number {
  return elements * COST_CLASSES[(FUNCTION_COSTS[def.name] ?? UNKNOWN)[1]];
}

/**
 * The event loop's cost, in work units, of copying one byte of input into the arena for the pool:
 * up to ~0.37 ns per byte here (page faults of pages not used before, then the copy; 1M float64 in
 * ~3 ms), against 1.3 ns per unit. So 2.3 units per float64 element.
 */
export const COPY_WORK_PER_BYTE = 0.28;

/**
 * Inline when the work is under INLINE_MAX_WORK, or when copying the inputs that are not yet in
 * the arena would cost the event loop as much as computing inline; never with INLINE_MAX_WORK 0.
 * The second case keeps the cheap functions (and moderate backward passes, which copy x and
 * grad_output) inline for inputs in ordinary memory: measured on 100k–1M elements, their pool path
 * was slower and held the event loop as long or longer.
 *
 * INLINE_MAX_WORK: with the inputs already shared, two workers broke even with inline at
 * ~60k elements for relu forward and ~70k backward, ~45k sigmoid forward, ~25k softmax forward,
 * ~15k sigmoid backward, under 3k gelu: 60k–250k work units, ~0.3 ms inline, on this machine.
 */
export function runsInline(work: number, inlineMaxWork: number, copyBytes: number): boolean {
  return inlineMaxWork > 0 && (work < inlineMaxWork || work <= copyBytes * COPY_WORK_PER_BYTE);
}
