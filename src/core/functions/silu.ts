// silu: x·σ(x) (the sigmoid-weighted linear unit), rounded once, exact into the subnormal tail.
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import { DD, ddMulD, mulExp, sigmoidDD, siluPrime } from '../special.js';

export const silu = defineActivation({
  name: 'silu',
  summary: 'Sigmoid-weighted linear unit x·σ(x) (swish with beta = 1): smooth, dips to -0.2785 near x = -1.28.',
  formula: 'x \\, \\sigma(x) = \\frac{x}{1 + e^{-x}}',
  kind: 'elementwise',
  params: Type.Object({}, { additionalProperties: false }),
  learnable: [],
  hasKink: false,
  // Minimum -W(1/e) = -0.278464542761074 at x = -1 - W(1/e) = -1.278464542761074.
  properties: { monotonic: false, smooth: true, bounded: false, zeroCentred: false, range: '[-0.278464542761074, +inf)' },
  forward(x) {
    const src = x.data;
    const y = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      if (v >= -700) {
        y[i] = v > 750 ? v : ddMulD(sigmoidDD(v, 0), DD[1], v);
      } else {
        // σ(x) = e^x(1 - e^x + ...) is subnormal here, x·e^x need not be: scale before rounding.
        y[i] = v === -Infinity ? -0 : mulExp(v, 0, v, 0); // NaN stays NaN
      }
    }
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput) {
    const src = x.data;
    const g = gradOutput.data;
    const gx = new Float64Array(src.length);
    // σ(x)(1 + x σ(-x)), with the root near -1.2785 handled inside siluPrime.
    for (let i = 0; i < src.length; i++) gx[i] = g[i] * siluPrime(src[i], 0);
    return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
  },
});
