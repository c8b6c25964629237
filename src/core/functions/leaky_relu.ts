// leaky_relu: x for x > 0, negative_slope·x otherwise (torch.nn.functional.leaky_relu).
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import type { FloatArray } from '../definition.js';
import { outputLike } from '../tensor.js';

export const leakyRelu = defineActivation({
  name: 'leaky_relu',
  summary: 'Leaky ReLU: passes positive inputs, scales the rest by a small learnable slope.',
  formula: '\\max(0, x) + \\text{negative\\_slope} \\cdot \\min(0, x)',
  kind: 'elementwise',
  params: Type.Object(
    {
      negative_slope: Type.Number({ default: 0.01, description: 'Slope for x <= 0 (learnable).' }),
    },
    { additionalProperties: false },
  ),
  learnable: ['negative_slope'],
  hasKink: true,
  properties: { monotonic: true, smooth: false, bounded: false, zeroCentred: false, range: '(-inf, +inf)' },
  forward(x, params, out) {
    const src = x.data;
    const n = src.length;
    const y = outputLike(src, n, out);
    leakyForward(src, y, 0, n, params.negative_slope);
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput, params, kink, out) {
    const src = x.data;
    const n = src.length;
    const gx = outputLike(src, n, out);
    // torch: leaky_relu'(0) = slope (its x <= 0 branch), which is also the left slope.
    const atZero = kink === 'right' ? 1 : 0;
    const slope = params.negative_slope;
    const gradSlope = leakyBackward(src, gradOutput.data, gx, 0, n, slope, Number.isFinite(slope), atZero);
    return { gradInput: { data: gx, shape: x.shape }, gradParams: { negative_slope: gradSlope } };
  },
});

// Loops as relu.ts describes them. Shared with prelu, which runs them once per channel block.

/** y[i] = leaky_relu(src[i]) for i in [start, end). */
export function leakyForward(src: FloatArray, y: FloatArray, start: number, end: number, slope: number): void {
  // The factor k = m + slope·(1 - m) with m = [x > 0] is exactly 1 or exactly slope, so v·k rounds
  // once, as slope·v, and is right for ±inf and NaN too, unless slope is 0 (-inf·0) or not finite.
  // slope·(-inf) is NaN when slope is 0; the limit of the zero function there is (-)0.
  if (slope !== 0 && Number.isFinite(slope)) leakyForwardLoop(src, y, start, end, slope);
  else leakyForwardCases(src, y, start, end, slope, slope === 0 ? -slope : -Infinity * slope);
}

function leakyForwardLoop(src: FloatArray, y: FloatArray, start: number, end: number, slope: number): void {
  for (let i = start; i < end; i++) {
    const v = src[i];
    const m = +(v > 0);
    y[i] = v * (m + slope * (1.5 - m - 0.5)); // 1.5 - m - 0.5 is 1 - m as a double (see relu.ts)
  }
}

function leakyForwardCases(src: FloatArray, y: FloatArray, start: number, end: number, slope: number, atNegInf: number): void {
  for (let i = start; i < end; i++) {
    const v = src[i];
    y[i] = v > 0 ? v : v === -Infinity ? atNegInf : slope * v; // NaN: slope·NaN = NaN
  }
}

/**
 * gx[i] = g[i]·leaky_relu'(src[i]) for i in [start, end); returns Σ g·x over x < 0 (the gradient of
 * the slope), compensated (TwoSum, branch-free), rounded once. atZero is 1 for the 'right' kink;
 * finiteSlope is Number.isFinite(slope), computed by the caller (see relu.ts on code outside loops).
 */
export function leakyBackward(
  src: FloatArray,
  g: FloatArray,
  gx: FloatArray,
  start: number,
  end: number,
  slope: number,
  finiteSlope: boolean,
  atZero: number,
): number {
  let sum = 0;
  let comp = 0;
  let total = 0;
  for (let i = start; i < end; i++) {
    const v = src[i];
    const gi = g[i];
    let term: number;
    if (finiteSlope && v * 0 + (gi - gi) === 0) {
      const m = +(v > 0) + +(v === 0) * atZero; // 1 where the slope is 1
      gx[i] = gi * (m + slope * (1.5 - m - 0.5)); // 1 - m as a double (see relu.ts)
      term = gi * (v * +(v < 0)); // v·0 first: g·v may overflow where it is not wanted
    } else {
      gx[i] = v > 0 ? gi : v === 0 ? gi * (atZero === 1 ? 1 : slope) : v < 0 ? gi * slope : v; // NaN propagates
      term = v > 0 || v === 0 ? 0 : gi * v;
    }
    const s = sum + term;
    const b = s - sum;
    comp += sum - (s - b) + (term - b);
    sum = s;
    total = s - s === 0 ? s + comp : s; // an infinite sum has a NaN compensation
  }
  return total;
}
