// hardsigmoid: x/6 + 1/2 clamped to [0, 1], torch's relu6(x + 3)/6.
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import type { FloatArray } from '../definition.js';
import { outputLike } from '../tensor.js';

export const hardsigmoid = defineActivation({
  name: 'hardsigmoid',
  summary: 'Hard sigmoid: the piecewise-linear sigmoid x/6 + 1/2 clipped to [0, 1].',
  formula: '\\min\\left(\\max\\left(0, \\frac{x}{6} + \\frac{1}{2}\\right), 1\\right)',
  kind: 'elementwise',
  params: Type.Object({}, { additionalProperties: false }),
  learnable: [],
  hasKink: true,
  properties: { monotonic: true, smooth: false, bounded: true, zeroCentred: false, range: '[0, 1]' },
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
    // torch: 0 at both -3 and 3. One-sided: at -3 left 0, right 1/6; at 3 left 1/6, right 0.
    backwardLoop(src, gradOutput.data, gx, n, kink === 'right' ? 1 : 0, kink === 'left' ? 1 : 0);
    return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
  },
});

// Loops as relu.ts describes them.

function forwardLoop(src: FloatArray, y: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = src[i];
    // (x + 3)/6: x + 3 is exact near -3 where x/6 + 1/2 would cancel. The 0/1 masks pick exactly one
    // piece; ±inf·0 would be NaN, so infinities take the (predicted) branch. NaN passes through.
    const above = +(v >= 3);
    const inside = +(v > -3) - above;
    y[i] = v - v === 0 ? ((v + 3) / 6) * inside + above : v <= -3 ? 0 : v >= 3 ? 1 : v;
  }
}

function backwardLoop(src: FloatArray, g: FloatArray, gx: FloatArray, n: number, atMinus3: number, atPlus3: number): void {
  for (let i = 0; i < n; i++) {
    const v = src[i];
    const gi = g[i];
    // g·m/6 with the 0/1 mask m: exactly g/6 inside, 0 outside. By cases where x or g is not
    // finite: NaN in x propagates, an infinite g times a zero slope is 0.
    gx[i] =
      v * 0 + (gi - gi) === 0
        ? (gi * (+(v > -3) - +(v >= 3) + +(v === -3) * atMinus3 + +(v === 3) * atPlus3)) / 6 + 0
        : v > -3 && v < 3
          ? gi / 6
          : v < -3 || v > 3
            ? 0
            : v === -3
              ? (gi * atMinus3) / 6
              : v === 3
                ? (gi * atPlus3) / 6
                : v;
  }
}
