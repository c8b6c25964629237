// hardtanh: x clamped to [min_val, max_val] (torch.nn.functional.hardtanh).
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import type { FloatArray } from '../definition.js';
import { outputLike } from '../tensor.js';

export const hardtanh = defineActivation({
  name: 'hardtanh',
  summary: 'Hard tanh: the identity clamped to [min_val, max_val].',
  formula: '\\min(\\max(\\text{min\\_val}, x), \\text{max\\_val})',
  kind: 'elementwise',
  params: Type.Object(
    {
      min_val: Type.Number({ default: -1, description: 'Lower bound of the output.' }),
      max_val: Type.Number({ default: 1, description: 'Upper bound of the output; must exceed min_val.' }),
    },
    { additionalProperties: false },
  ),
  learnable: [],
  hasKink: true,
  properties: { monotonic: true, smooth: false, bounded: true, zeroCentred: true, range: '[-1, 1]' },
  check(params) {
    if (!(params.min_val < params.max_val)) {
      return `params.max_val (${params.max_val}) must be greater than params.min_val (${params.min_val})`;
    }
    return undefined;
  },
  forward(x, params, out) {
    const src = x.data;
    const n = src.length;
    const y = outputLike(src, n, out);
    clampForward(src, y, n, params.min_val, params.max_val);
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput, params, kink, out) {
    const src = x.data;
    const n = src.length;
    const gx = outputLike(src, n, out);
    // torch: 0 at both bounds. One-sided: at min_val left 0, right 1; at max_val left 1, right 0.
    const atLo = kink === 'right' ? 1 : 0;
    const atHi = kink === 'left' ? 1 : 0;
    clampBackward(src, gradOutput.data, gx, n, params.min_val, params.max_val, atLo, atHi);
    return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
  },
});

// Loops as relu.ts describes them; relu6 runs them with [0, 6].

/** y = x clamped to [lo, hi]. */
export function clampForward(src: FloatArray, y: FloatArray, n: number, lo: number, hi: number): void {
  if (Number.isFinite(lo) && Number.isFinite(hi)) clampForwardLoop(src, y, n, lo, hi);
  else clampForwardCases(src, y, n, lo, hi);
}

function clampForwardLoop(src: FloatArray, y: FloatArray, n: number, lo: number, hi: number): void {
  // The 0/1 masks pick exactly one of x, lo, hi (the other products are ±0; the bounds are finite);
  // ±inf·0 would be NaN, so infinities take the (predicted) branch. NaN passes through. z + lo is lo
  // as a double (see relu.ts on parameters times masks).
  for (let i = 0; i < n; i++) {
    const v = src[i];
    const z = v * 0;
    const below = +(v < lo);
    const above = +(v > hi);
    y[i] = v - v === 0 ? v * (1 - below - above) + (z + lo) * below + (z + hi) * above : v < lo ? lo : v > hi ? hi : v;
  }
}

function clampForwardCases(src: FloatArray, y: FloatArray, n: number, lo: number, hi: number): void {
  for (let i = 0; i < n; i++) {
    const v = src[i];
    y[i] = v < lo ? lo : v > hi ? hi : v; // NaN passes through
  }
}

/** g·clamp'(x): 1 on (lo, hi), 0 outside, atLo and atHi (0 or 1) at the bounds. */
export function clampBackward(
  src: FloatArray,
  g: FloatArray,
  gx: FloatArray,
  n: number,
  lo: number,
  hi: number,
  atLo: number,
  atHi: number,
): void {
  for (let i = 0; i < n; i++) {
    const v = src[i];
    const gi = g[i];
    // By cases where x or g is not finite: NaN in x propagates, an infinite g times a zero slope is 0.
    gx[i] =
      v * 0 + (gi - gi) === 0
        ? gi * (+(v > lo) - +(v >= hi) + +(v === lo) * atLo + +(v === hi) * atHi) + 0
        : v > lo && v < hi ? gi : v < lo || v > hi ? 0 : v === lo ? gi * atLo : v === hi ? gi * atHi : v;
  }
}
