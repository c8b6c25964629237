// glu: gated linear unit, the first half of an axis gated by the sigmoid of the second half.
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import type { FloatArray } from '../definition.js';
import { axisLayout, normalizeDim, outputLike } from '../tensor.js';
import { mulExp, sigmoid, sigmoidPrimeDD } from '../special.js';
import { checkDim, shiftedExp } from './softmax_row.js';

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
  forward(x, params, out) {
    const src = x.data;
    const { outer, length, inner } = axisLayout(x.shape, normalizeDim(params.dim, x.shape.length) ?? 0);
    const half = length >> 1;
    const size = outer * half * inner;
    const y = outputLike(src, size, out);
    const gateOffset = half * inner;
    for (let o = 0; o < outer; o++) forwardLoop(src, y, o * length * inner, o * half * inner, gateOffset);
    return { data: y, shape: halvedShape(x.shape, params.dim) };
  },
  backward(x, gradOutput, params, _kink, out) {
    // ga = g·σ(b); gb = g·a·σ(b)σ(−b), with σ(b)σ(−b) = σ'(b) from the input (special.ts), not as
    // σ(b)(1 − σ(b)), which is 0 for b ≥ 37 and loses every digit where σ(b) or σ(−b) is subnormal.
    const src = x.data;
    const g = gradOutput.data;
    const { outer, length, inner } = axisLayout(x.shape, normalizeDim(params.dim, x.shape.length) ?? 0);
    const half = length >> 1;
    const gx = outputLike(src, src.length, out);
    const gateOffset = half * inner;
    for (let o = 0; o < outer; o++) backwardLoop(src, g, gx, o * length * inner, o * half * inner, gateOffset);
    return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
  },
});

// One block per outer index: the values a at from + q, the gates b at from + gateOffset + q, the
// outputs at to + q, q < gateOffset. Loops as relu.ts describes them. For |b| <= 700 and finite
// values the loops take e = e^(-|b|) (softmax_row's inlined exponential, half an ULP) and
// σ(b) = (b >= 0 ? 1 : e)/(1 + e), σ'(b) = e/(1 + e)²: within 2.5 ULP for a·σ(b) and 4.5 for
// g·a·σ'(b), inside the 8 ULP of the axis functions; the tails and non-finite values go to the
// functions above and below, which never form a subnormal e^b alone.

function forwardLoop(src: FloatArray, y: FloatArray, from: number, to: number, gateOffset: number): void {
  for (let q = 0; q < gateOffset; q++) {
    const a = src[from + q];
    const b = src[from + gateOffset + q];
    if (Math.abs(b) <= 700 && a - a === 0) {
      const e = shiftedExp(-Math.abs(b), 0);
      const m = +(b >= 0);
      y[to + q] = (a * (m + e * (1 - m))) / (1 + e);
    } else {
      y[to + q] = gated(a, b);
    }
  }
}

function backwardLoop(src: FloatArray, g: FloatArray, gx: FloatArray, from: number, to: number, gateOffset: number): void {
  for (let q = 0; q < gateOffset; q++) {
    const a = src[from + q];
    const b = src[from + gateOffset + q];
    const go = g[to + q];
    const p = go * a;
    if (Math.abs(b) <= 700 && p - p === 0) {
      const e = shiftedExp(-Math.abs(b), 0);
      const m = +(b >= 0);
      const d = 1 + e;
      gx[from + q] = (go * (m + e * (1 - m))) / d;
      gx[from + gateOffset + q] = (p * e) / (d * d);
    } else {
      gx[from + q] = gated(go, b);
      gx[from + gateOffset + q] = gateSlope(go, a, b);
    }
  }
}

/** g·a·σ'(b) without spurious overflow or underflow. */
function gateSlope(go: number, a: number, b: number): number {
  // σ'(b) = e^t/(1 + e^t)² with t = −|b|: below −700 the square is 1 and e^t goes to mulExp.
  const t = -Math.abs(b);
  const p = go * a;
  if (Number.isFinite(p)) return t >= -700 ? p * sigmoidPrimeDD(b, 0) : mulExp(p, 0, t, 0);
  if (Number.isFinite(go) && Number.isFinite(a)) {
    // g·a overflows where g·a·σ'(b) need not: apply σ'(b) before the second factor.
    return t >= -700 ? go * sigmoidPrimeDD(b, 0) * a : mulExp(go, 0, 0.5 * t, 0) * mulExp(a, 0, 0.5 * t, 0);
  }
  return p * (t === -Infinity ? 0 : 1); // inf·e^t is inf; NaN stays; inf·σ'(±inf) = inf·0 is NaN
}
