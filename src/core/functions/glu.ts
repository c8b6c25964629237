// glu: gated linear unit, the first half of an axis gated by the sigmoid of the second half.
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import { axisLayout, normalizeDim } from '../tensor.js';
import { mulExp, sigmoid, sigmoidPrimeDD } from '../special.js';
import { checkDim } from './softmax_row.js';

/**
 * a·σ(b). Below b = −700, σ(b) = e^b/(1 + e^b) becomes subnormal (one significant bit at −745)
 * while a·σ(b) may be a normal number (1e300·σ(−745) ≈ 2.8e−24): there 1 + e^b rounds to 1 and
 * a·e^b comes from mulExp, which never forms e^b alone.
 */
function gated(a: number, b: number): number {
  if (b >= -700 || !Number.isFinite(a)) return a * sigmoid(b);
  return mulExp(a, 0, b, 0); // b < −700 or NaN
}

/** The output shape: the glu axis halved. */
function halvedShape(shape: readonly number[], dim: number): number[] {
  const axis = normalizeDim(dim, shape.length) ?? 0;
  return shape.map((d, k) => (k === axis ? d / 2 : d));
}

export const glu = defineActivation({
  name: 'glu',
  summary: 'Gated linear unit: splits an axis into halves a and b and returns a times sigmoid(b).',
  formula: 'a \\, \\sigma(b), \\quad x = [a, b] \\text{ split in halves along } \\mathrm{dim}, \\ \\sigma(b) = \\frac{1}{1 + e^{-b}}',
  kind: 'axis',
  params: Type.Object(
    {
      dim: Type.Integer({ default: -1, minimum: -8, maximum: 7, description: 'Axis split in halves (its length must be even); negative counts from the end.' }),
    },
    { additionalProperties: false },
  ),
  learnable: [],
  hasKink: false,
  // Odd in a (so zero-centred), unbounded, increasing in a only where σ(b) > 0 and in b only for a > 0.
  properties: { monotonic: false, smooth: true, bounded: false, zeroCentred: true, range: '(-inf, +inf)' },
  check(params, shape) {
    const problem = checkDim(params.dim, shape.length);
    if (problem) return problem;
    const axis = normalizeDim(params.dim, shape.length) ?? 0;
    const length = shape.length === 0 ? 1 : shape[axis];
    if (length % 2 !== 0) {
      return `params.dim selects axis ${axis} of length ${length}, which glu cannot split in halves: its length must be even`;
    }
    return undefined;
  },
  outputShape(shape, params) {
    return halvedShape(shape, params.dim);
  },
  forward(x, params) {
    const src = x.data;
    const { outer, length, inner } = axisLayout(x.shape, normalizeDim(params.dim, x.shape.length) ?? 0);
    const half = length >> 1;
    const y = new Float64Array(outer * half * inner);
    const gateOffset = half * inner;
    for (let o = 0; o < outer; o++) {
      const from = o * length * inner;
      const to = o * half * inner;
      for (let q = 0; q < gateOffset; q++) y[to + q] = gated(src[from + q], src[from + gateOffset + q]);
    }
    return { data: y, shape: halvedShape(x.shape, params.dim) };
  },
  backward(x, gradOutput, params) {
    // ga = g·σ(b); gb = g·a·σ(b)σ(−b), with σ(b)σ(−b) = σ'(b) from the input (special.ts), not as
    // σ(b)(1 − σ(b)), which is 0 for b ≥ 37 and loses every digit where σ(b) or σ(−b) is subnormal.
    const src = x.data;
    const g = gradOutput.data;
    const { outer, length, inner } = axisLayout(x.shape, normalizeDim(params.dim, x.shape.length) ?? 0);
    const half = length >> 1;
    const gx = new Float64Array(src.length);
    const gateOffset = half * inner;
    for (let o = 0; o < outer; o++) {
      const from = o * length * inner;
      const to = o * half * inner;
      for (let q = 0; q < gateOffset; q++) {
        const a = src[from + q];
        const b = src[from + gateOffset + q];
        const go = g[to + q];
        gx[from + q] = gated(go, b);
        // σ'(b) = e^t/(1 + e^t)² with t = −|b|: below −700 the square is 1 and e^t goes to mulExp.
        const t = -Math.abs(b);
        const p = go * a;
        let gb: number;
        if (Number.isFinite(p)) {
          gb = t >= -700 ? p * sigmoidPrimeDD(b, 0) : mulExp(p, 0, t, 0);
        } else if (Number.isFinite(go) && Number.isFinite(a)) {
          // g·a overflows where g·a·σ'(b) need not: apply σ'(b) before the second factor.
          gb = t >= -700 ? go * sigmoidPrimeDD(b, 0) * a : mulExp(go, 0, 0.5 * t, 0) * mulExp(a, 0, 0.5 * t, 0);
        } else {
          gb = p * (t === -Infinity ? 0 : 1); // inf·e^t is inf; NaN stays; inf·σ'(±inf) = inf·0 is NaN
        }
        gx[from + gateOffset + q] = gb;
      }
    }
    return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
  },
});
