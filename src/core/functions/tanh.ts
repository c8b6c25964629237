// tanh: the hyperbolic tangent, with a derivative that keeps its accuracy in the tails.
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import { DD, ddAdd, ddMul, mulExp, sigmoidPrimeDD, tanhDD } from '../special.js';

export const tanh = defineActivation({
  name: 'tanh',
  summary: 'Hyperbolic tangent: a zero-centred squashing of the real line into (-1, 1).',
  formula: '\\tanh(x) = \\frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}',
  kind: 'elementwise',
  params: Type.Object({}, { additionalProperties: false }),
  learnable: [],
  hasKink: false,
  properties: { monotonic: true, smooth: true, bounded: true, zeroCentred: true, range: '(-1, 1)' },
  forward(x) {
    const src = x.data;
    const y = new Float64Array(src.length);
    // Not Math.tanh: V8's is off by up to 1.9 ULP (measured near x = -0.52).
    for (let i = 0; i < src.length; i++) y[i] = tanhDD(src[i]);
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput) {
    const src = x.data;
    const g = gradOutput.data;
    const gx = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      let d: number;
      if (Math.abs(v) < 0.75) {
        // 1 - tanh^2 loses nothing while tanh^2 < 0.41.
        const t = tanhDD(v);
        ddMul(t, DD[1], t, DD[1]);
        d = ddAdd(1, 0, -DD[0], -DD[1]);
      } else if (Math.abs(v) < 350) {
        // sech^2 x = 4σ(2x)σ(-2x): 1 - tanh^2 would be 0 from |x| = 19 on.
        d = 4 * sigmoidPrimeDD(2 * v, 0);
      } else {
        // 4e^{-2|x|}(1 - 2e^{-2|x|} + ...) rounded once: 4·(a subnormal) would quadruple its error.
        d = v === v ? mulExp(4, 0, -2 * Math.abs(v), 0) : v;
      }
      gx[i] = g[i] * d;
    }
    return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
  },
});
