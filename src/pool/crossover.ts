// Inline or pool: the work of a batch is its elements x the cost class of its function (relu = 1).
import type { ActivationDefinition } from '../core/definition.js';

/**
 * Cost classes on a ladder of about sqrt(10): a function sits in the class nearest (geometrically)
 * to its time per element divided by relu's forward, so it is within ~1.8x of its class.
 */
export const COST_CLASSES = { cheap: 1, moderate: 3, costly: 10, expensive: 30, heavy: 100 } as const;
export type CostClass = keyof typeof COST_CLASSES;

/**
 * [forward, backward] classes, measured on this machine (2 cores, Node 20): the compiled kernels
 * through forwardInto/backwardInto, 1M float64 elements ([1024, 1024] for the axis functions),
 * best of 3 x 9 runs; relu forward = 1.27 ns/element. Ratios to it (forward/backward):
 *   relu 1.0/1.6, leaky_relu 0.9/2.9, prelu 0.9/2.9, shifted_relu 1.2/2.3, threshold 1.3/1.7,
 *   relu6 2.4/2.4, hardtanh 1.7/2.4, elu 6.8/11, celu 9.7/19, selu 6.9/7.3, gelu 192/231,
 *   silu 5.5/17, swish 7.5/20, softplus 20/19, mish 12/34, sigmoid 5.2/10, tanh 6.6/12,
 *   logsigmoid 17/8.4, softsign 4.7/8.8, tanhshrink 40/45, hardsigmoid 1.3/2.3,
 *   hardswish 1.5/2.7, softshrink 1.9/2.2, hardshrink 1.5/2.2, softmax 7.2/22,
 *   log_softmax 7.3/21, softmin 7.2/22, logsumexp 6.5/7.3, glu 3.0/3.3.
 * The kernels were being rewritten for speed while this was measured (gelu, for one, still had
 * its slow exact kernel): when they change, measure again (best ns/element of each kernel divided
 * by relu's forward) and update the table.
 */
export const FUNCTION_COSTS: Readonly<Record<string, readonly [CostClass, CostClass]>> = {
  relu: ['cheap', 'cheap'],
  leaky_relu: ['cheap', 'moderate'],
  prelu: ['cheap', 'moderate'],
  shifted_relu: ['cheap', 'moderate'],
  threshold: ['cheap', 'cheap'],
  relu6: ['moderate', 'moderate'],
  hardtanh: ['cheap', 'moderate'],
  elu: ['costly', 'costly'],
  celu: ['costly', 'expensive'],
  selu: ['costly', 'costly'],
  gelu: ['heavy', 'heavy'],
  silu: ['costly', 'costly'],
  swish: ['costly', 'expensive'],
  softplus: ['expensive', 'expensive'],
  mish: ['costly', 'expensive'],
  sigmoid: ['moderate', 'costly'],
  tanh: ['costly', 'costly'],
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
 * The event loop's cost, in work units, of copying one byte of input into a fresh
 * SharedArrayBuffer for the pool: ~0.37 ns per byte here (page faults of the new buffer, then the
 * copy; 1M float64 in ~3 ms), against 1.3 ns per unit. So 2.3 units per float64 element.
 */
export const COPY_WORK_PER_BYTE = 0.28;

/**
 * Inline when the work is under INLINE_MAX_WORK, or when copying the inputs that are not yet in
 * the arena would cost the event loop as much as computing inline; never with INLINE_MAX_WORK 0. The second case keeps the
 * cheap functions (and moderate backward passes, which copy x and grad_output) inline for inputs
 * in ordinary memory: measured on 100k–1M elements, their pool path was slower and held the event
 * loop as long or longer.
 *
 * INLINE_MAX_WORK: with the inputs already shared, two workers broke even with inline at
 * ~60k elements for relu forward and ~70k backward, ~45k sigmoid forward, ~25k softmax forward,
 * ~15k sigmoid backward, under 3k gelu: 60k–250k work units, ~0.3 ms inline, on this machine.
 */
export function runsInline(work: number, inlineMaxWork: number, copyBytes: number): boolean {
  return inlineMaxWork > 0 && (work < inlineMaxWork || work <= copyBytes * COPY_WORK_PER_BYTE);
}
