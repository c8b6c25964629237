// hardshrink: x where |x| > lambd, 0 elsewhere (torch.nn.functional.hardshrink).
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';

export const hardshrink = defineActivation({
  name: 'hardshrink',
  summary: 'Hard shrinkage: zeroes inputs with |x| <= lambd and passes the rest.',
  formula: '\\begin{cases} x & |x| > \\lambda \\\\ 0 & \\text{otherwise} \\end{cases}',
  kind: 'elementwise',
  params: Type.Object(
    {
      lambd: Type.Number({ default: 0.5, minimum: 0, description: 'Half-width of the zero band (>= 0).' }),
    },
    { additionalProperties: false },
  ),
  learnable: [],
  hasKink: true,
  properties: {
    monotonic: true,
    smooth: false,
    bounded: false,
    zeroCentred: true,
    range: '(-inf, -0.5) ∪ {0} ∪ (0.5, +inf)',
  },
  forward(x, params) {
    const lam = params.lambd;
    const src = x.data;
    const y = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      y[i] = v > lam || v < -lam || v !== v ? v : 0;
    }
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput, params, kink) {
    const lam = params.lambd;
    const src = x.data;
    const g = gradOutput.data;
    const gx = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      const gi = g[i];
      if (v > lam || v < -lam) gx[i] = gi;
      else if (v < lam && v > -lam) gx[i] = 0;
      else if (v !== v) gx[i] = v;
      // At ±lambd torch takes 0; the left piece has slope 1 only at -lambd (or at 0 when lambd is 0),
      // the right piece only at +lambd.
      else if (kink === 'left') gx[i] = v <= -lam ? gi : 0;
      else if (kink === 'right') gx[i] = v >= lam ? gi : 0;
      else gx[i] = 0;
    }
    return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
  },
});
