// tanhshrink: x - tanh(x), which cancels to x^3/3 near 0; a fitted series takes over there.
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import { DD, ddAdd, ddDiv, ddMul, expDD, tanhDD, tanhshrinkSmallDD } from '../special.js';

export const tanhshrink = defineActivation({
  name: 'tanhshrink',
  summary: 'Tanhshrink: x - tanh(x), near zero (like x^3/3) for small inputs and x -/+ 1 for large ones.',
  formula: 'x - \\tanh(x)',
  kind: 'elementwise',
  params: Type.Object({}, { additionalProperties: false }),
  learnable: [],
  hasKink: false,
  properties: { monotonic: true, smooth: true, bounded: false, zeroCentred: true, range: '(-inf, +inf)' },
  forward(x) {
    const src = x.data;
    const y = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      const a = Math.abs(v);
      if (a < 0.75) {
        y[i] = tanhshrinkSmallDD(v);
      } else if (a < Infinity) {
        // |x| - tanh|x| = (|x| - 1) + 2q/(1 + q), q = e^{-2|x|}; both parts exact enough in DD.
        const q = expDD(-2 * a, 0);
        const ql = DD[1];
        const s = 1 + q;
        const w = ddDiv(2 * q, 2 * ql, s, 1 - s + q + ql);
        const wl = DD[1];
        const r = ddAdd(a, 0, -1, 0);
        const t = ddAdd(r, DD[1], w, wl);
        y[i] = v < 0 ? -t : t;
      } else {
        y[i] = v; // ±inf, NaN
      }
    }
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput) {
    const src = x.data;
    const g = gradOutput.data;
    const gx = new Float64Array(src.length);
    // d/dx (x - tanh x) = tanh^2 x, with no 1 - sech^2 cancellation.
    for (let i = 0; i < src.length; i++) {
      const t = tanhDD(src[i]);
      gx[i] = g[i] * ddMul(t, DD[1], t, DD[1]);
    }
    return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
  },
});
