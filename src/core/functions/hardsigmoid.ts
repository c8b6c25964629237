// hardsigmoid: x/6 + 1/2 clamped to [0, 1], torch's relu6(x + 3)/6.
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';

export const hardsigmoid = defineActivation({
  name: 'hardsigmoid',
  summary: 'Hard sigmoid: the piecewise-linear sigmoid x/6 + 1/2 clipped to [0, 1].',
  formula: '\\min\\left(\\max\\left(0, \\frac{x}{6} + \\frac{1}{2}\\right), 1\\right)',
  kind: 'elementwise',
  params: Type.Object({}, { additionalProperties: false }),
  learnable: [],
  hasKink: true,
  properties: { monotonic: true, smooth: false, bounded: true, zeroCentred: false, range: '[0, 1]' },
  forward(x) {
    const src = x.data;
    const y = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      // (x + 3)/6: x + 3 is exact near -3 where x/6 + 1/2 would cancel.
      y[i] = v <= -3 ? 0 : v >= 3 ? 1 : (v + 3) / 6; // NaN passes through
    }
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput, _params, kink) {
    const src = x.data;
    const g = gradOutput.data;
    const gx = new Float64Array(src.length);
    // torch: 0 at both -3 and 3. One-sided: at -3 left 0, right 1/6; at 3 left 1/6, right 0.
    const atMinus3 = kink === 'right' ? 1 : 0;
    const atPlus3 = kink === 'left' ? 1 : 0;
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      const gi = g[i];
      gx[i] =
        v > -3 && v < 3
          ? gi / 6
          : v < -3 || v > 3
            ? 0
            : v === -3
              ? (gi * atMinus3) / 6
              : v === 3
                ? (gi * atPlus3) / 6
                : v;
    }
    return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
  },
});
