// hardswish: x·relu6(x + 3)/6 (torch.nn.functional.hardswish), a piecewise-quadratic swish.
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';

export const hardswish = defineActivation({
  name: 'hardswish',
  summary: 'Hard swish: x times the hard sigmoid of x, zero below -3 and the identity above 3.',
  formula: 'x \\cdot \\frac{\\min(\\max(0, x + 3), 6)}{6}',
  kind: 'elementwise',
  params: Type.Object({}, { additionalProperties: false }),
  learnable: [],
  hasKink: true,
  properties: { monotonic: false, smooth: false, bounded: false, zeroCentred: false, range: '[-0.375, +inf)' },
  forward(x) {
    const src = x.data;
    const y = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      // x + 3 is exact near -3, so only relative rounding errors remain.
      y[i] = v <= -3 ? 0 : v >= 3 ? v : (v * (v + 3)) / 6; // NaN passes through
    }
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput, _params, kink) {
    const src = x.data;
    const g = gradOutput.data;
    const gx = new Float64Array(src.length);
    // Inside (-3, 3) the slope is x/3 + 1/2 = (2x + 3)/6 (2x + 3 is exact near the root -1.5).
    // torch 2: 0 at -3 and 1 at 3. One-sided: at -3 left 0, right -1/2; at 3 left 3/2, right 1.
    const atMinus3 = kink === 'right' ? -0.5 : 0;
    const atPlus3 = kink === 'left' ? 1.5 : 1;
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      const gi = g[i];
      gx[i] =
        v > -3 && v < 3
          ? (gi * (2 * v + 3)) / 6
          : v > 3
            ? gi
            : v < -3
              ? 0
              : v === -3
                ? gi * atMinus3
                : v === 3
                  ? gi * atPlus3
                  : v;
    }
    return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
  },
});
