// leaky_relu: x for x > 0, negative_slope·x otherwise (torch.nn.functional.leaky_relu).
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';

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
  forward(x, params) {
    const slope = params.negative_slope;
    // slope·(-inf) is NaN when slope is 0; the limit of the zero function there is (-)0.
    const atNegInf = slope === 0 ? -slope : -Infinity * slope;
    const src = x.data;
    const y = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      y[i] = v > 0 ? v : v === -Infinity ? atNegInf : slope * v; // NaN: slope·NaN = NaN
    }
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput, params, kink) {
    const slope = params.negative_slope;
    const src = x.data;
    const g = gradOutput.data;
    const gx = new Float64Array(src.length);
    // torch: leaky_relu'(0) = slope (its x <= 0 branch), which is also the left slope.
    const atZero = kink === 'right' ? 1 : slope;
    // d y/d slope = x for x < 0; summed with Neumaier's compensation.
    let sum = 0;
    let comp = 0;
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      const gi = g[i];
      if (v > 0) {
        gx[i] = gi;
      } else if (v === 0) {
        gx[i] = gi * atZero;
      } else {
        gx[i] = v < 0 ? gi * slope : v; // NaN propagates
        const term = gi * v;
        const s = sum + term;
        comp += Math.abs(sum) >= Math.abs(term) ? sum - s + term : term - s + sum;
        sum = s;
      }
    }
    const gradSlope = Number.isFinite(sum) ? sum + comp : sum;
    return { gradInput: { data: gx, shape: x.shape }, gradParams: { negative_slope: gradSlope } };
  },
});
