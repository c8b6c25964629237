// hardswish: x·relu6(x + 3)/6 (torch.nn.functional.hardswish), a piecewise-quadratic swish.
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import type { FloatArray } from '../definition.js';
import { outputLike } from '../tensor.js';

export const hardswish = defineActivation({
  name: 'hardswish',
  summary: 'Hard swish: x times the hard sigmoid of x, zero below -3 and the identity above 3.',
  formula: 'x \\cdot \\frac{\\min(\\max(0, x + 3), 6)}{6}',
  kind: 'elementwise',
  params: Type.Object({}, { additionalProperties: false }),
  learnable: [],
  hasKink: true,
  properties: { monotonic: false, smooth: false, bounded: false, zeroCentred: false, range: '[-0.375, +inf)' },
  forward(x, _params, out) {
    const src = x.data;
    const n = src.length;
    const y = outputLike(src, n, out);
    forwardLoop(src, y, n);
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput, _params, kink, out) {
    const src = x.data;
    const n = src.length;
    const gx = outputLike(src, n, out);
    // Inside (-3, 3) the slope is x/3 + 1/2 = (2x + 3)/6 (2x + 3 is exact near the root -1.5).
    // torch 2: 0 at -3 and 1 at 3. One-sided: at -3 left 0, right -1/2; at 3 left 3/2, right 1.
    backwardLoop(src, gradOutput.data, gx, n, kink === 'right' ? -0.5 : 0, kink === 'left' ? 1.5 : 1);
    return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
  },
});

// Loops as relu.ts describes them.

function forwardLoop(src: FloatArray, y: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = src[i];
    // x + 3 is exact near -3, so only relative rounding errors remain. The 0/1 masks pick exactly one
    // piece; where x·(x + 3) would overflow (and for ±inf and NaN) the (predicted) branch.
    const above = +(v >= 3);
    const inside = +(v > -3) - above;
    y[i] = Math.abs(v) < 1e150 ? ((v * (v + 3)) / 6) * inside + v * above : v <= -3 ? 0 : v;
  }
}

function backwardLoop(src: FloatArray, g: FloatArray, gx: FloatArray, n: number, atMinus3: number, atPlus3: number): void {
  for (let i = 0; i < n; i++) {
    const v = src[i];
    const gi = g[i];
    if (Math.abs(v) < 1e150 && gi - gi === 0) {
      // (2x + 3)·inside is exactly 2x + 3 or ±0 (so g·(…) cannot overflow outside); the other
      // pieces come with 0/1 masks.
      const inside = +(v > -3) - +(v >= 3);
      gx[i] = (gi * ((2 * v + 3) * inside)) / 6 + gi * (+(v > 3) + +(v === -3) * atMinus3 + +(v === 3) * atPlus3) + 0;
    } else {
      // Beyond 1e150, ±inf, NaN, or an infinite g (times a zero slope: 0).
      gx[i] = v > -3 && v < 3 ? (gi * (2 * v + 3)) / 6 : v > 3 ? gi : v < -3 ? 0 : v === -3 ? gi * atMinus3 : v === 3 ? gi * atPlus3 : v;
    }
  }
}
