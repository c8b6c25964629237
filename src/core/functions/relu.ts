// relu: max(0, x), the rectifier itself.
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';

export const relu = defineActivation({
  name: 'relu',
  summary: 'Rectified linear unit: passes positive inputs, zeroes the rest.',
  formula: '\\max(0, x)',
  kind: 'elementwise',
  params: Type.Object({}, { additionalProperties: false }),
  learnable: [],
  hasKink: true,
  properties: { monotonic: true, smooth: false, bounded: false, zeroCentred: false, range: '[0, +inf)' },
  forward(x) {
    const src = x.data;
    const y = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      y[i] = v < 0 ? 0 : v; // NaN passes through
    }
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput, _params, kink) {
    const src = x.data;
    const g = gradOutput.data;
    const gx = new Float64Array(src.length);
    // torch: relu'(0) = 0; 'left' is the slope for x < 0 (0), 'right' the slope for x > 0 (1).
    const atZero = kink === 'right' ? 1 : 0;
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      gx[i] = v > 0 ? g[i] : v < 0 ? 0 : v === 0 ? g[i] * atZero : v;
    }
    return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
  },
});
