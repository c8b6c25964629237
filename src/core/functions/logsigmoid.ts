// logsigmoid: log σ(x) = min(x, 0) - log(1 + e^{-|x|}), never forming 1 + e^{-x} for x << 0.
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import { DD, ddAdd, log1pExpNegDD, sigmoidDD } from '../special.js';

export const logsigmoid = defineActivation({
  name: 'logsigmoid',
  summary: 'Log of the logistic sigmoid: -softplus(-x), close to x for x << 0 and to -e^{-x} for x >> 0.',
  formula: '\\log \\sigma(x) = -\\log\\left(1 + e^{-x}\\right)',
  kind: 'elementwise',
  params: Type.Object({}, { additionalProperties: false }),
  learnable: [],
  hasKink: false,
  properties: { monotonic: true, smooth: true, bounded: false, zeroCentred: false, range: '(-inf, 0)' },
  forward(x) {
    const src = x.data;
    const y = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      // x > 0: -log1p(e^-x); x <= 0: x - log1p(e^x). NaN goes the second way and stays NaN.
      if (v > 0) {
        y[i] = -log1pExpNegDD(-v, 0);
      } else {
        const l = log1pExpNegDD(v, 0);
        y[i] = v < -40 ? v - l : ddAdd(v, 0, -l, -DD[1]); // below -40, l < 1e-17·|x|
      }
    }
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput) {
    const src = x.data;
    const g = gradOutput.data;
    const gx = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) gx[i] = g[i] * sigmoidDD(-src[i], 0);
    return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
  },
});
