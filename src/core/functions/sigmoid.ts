// sigmoid: the logistic function 1/(1 + e^-x), stable for both signs and rounded once.
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import { sigmoidDD, sigmoidPrimeDD } from '../special.js';

export const sigmoid = defineActivation({
  name: 'sigmoid',
  summary: 'Logistic sigmoid: squashes the real line into (0, 1).',
  formula: '\\sigma(x) = \\frac{1}{1 + e^{-x}}',
  kind: 'elementwise',
  params: Type.Object({}, { additionalProperties: false }),
  learnable: [],
  hasKink: false,
  properties: { monotonic: true, smooth: true, bounded: true, zeroCentred: false, range: '(0, 1)' },
  forward(x) {
    const src = x.data;
    const y = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) y[i] = sigmoidDD(src[i], 0);
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput) {
    const src = x.data;
    const g = gradOutput.data;
    const gx = new Float64Array(src.length);
    // σ'(x) = σ(x)σ(-x) from the input: 1 - σ(x) would round to 0 for x > 37.
    for (let i = 0; i < src.length; i++) gx[i] = g[i] * sigmoidPrimeDD(src[i], 0);
    return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
  },
});
