// softsign: x/(1 + |x|), a tanh-like squashing with polynomial tails.
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import { DD, ddDiv } from '../special.js';

export const softsign = defineActivation({
  name: 'softsign',
  summary: 'Softsign: x/(1 + |x|), squashes into (-1, 1) with polynomially approaching tails.',
  formula: '\\frac{x}{1 + |x|}',
  kind: 'elementwise',
  params: Type.Object({}, { additionalProperties: false }),
  learnable: [],
  hasKink: false,
  // Continuously differentiable (the second derivative jumps at 0).
  properties: { monotonic: true, smooth: true, bounded: true, zeroCentred: true, range: '(-1, 1)' },
  forward(x) {
    const src = x.data;
    const y = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      const a = Math.abs(v);
      if (a > 1e290) {
        y[i] = v > 0 ? 1 : -1; // 1 - 1/(1 + |x|) rounds to 1 (and the split below would overflow)
        continue;
      }
      // s + sl = 1 + |x| exactly.
      const s = 1 + a;
      y[i] = ddDiv(v, 0, s, a > 1 ? 1 - (s - a) : a - (s - 1));
    }
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput) {
    const src = x.data;
    const g = gradOutput.data;
    const gx = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const a = Math.abs(src[i]);
      const s = 1 + a;
      const sl = a > 1 ? 1 - (s - a) : a - (s - 1);
      // (1 + |x|)^-2 as two divisions: the square overflows from 1e154 on, the result does not.
      let d: number;
      if (a > 1e290) {
        d = a === Infinity ? 0 : 1 / s / s; // below 1e-580: 0
      } else {
        const r = ddDiv(1, 0, s, sl);
        d = ddDiv(r, DD[1], s, sl);
      }
      gx[i] = g[i] * d;
    }
    return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
  },
});
