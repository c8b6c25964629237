// hardshrink: x where |x| > lambd, 0 elsewhere (torch.nn.functional.hardshrink).
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import type { FloatArray } from '../definition.js';
import { outputLike } from '../tensor.js';
import { shrinkBackward } from './softshrink.js';

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
  forward(x, params, out) {
    const src = x.data;
    const n = src.length;
    const y = outputLike(src, n, out);
    forwardLoop(src, y, n, params.lambd, params.lambd < Infinity);
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput, params, kink, out) {
    const src = x.data;
    const n = src.length;
    const gx = outputLike(src, n, out);
    // At ±lambd torch takes 0; the left piece has slope 1 only at -lambd (or at 0 when lambd is 0),
    // the right piece only at +lambd.
    shrinkBackward(src, gradOutput.data, gx, n, params.lambd, kink === 'left' ? 1 : 0, kink === 'right' ? 1 : 0);
    return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
  },
});

// Loops as relu.ts describes them; the backward loop is softshrink's.

/** fast: lambd < inf, computed by the caller (see relu.ts on code outside loops). */
function forwardLoop(src: FloatArray, y: FloatArray, n: number, lam: number, fast: boolean): void {
  // x·[|x| > lambd] is x or ±0 (+ 0 makes it +0); ±inf pass and NaN·0 is NaN, unless lambd is inf.
  for (let i = 0; i < n; i++) {
    const v = src[i];
    y[i] = fast ? v * +(Math.abs(v) > lam) + 0 : v > lam || v < -lam || v !== v ? v : 0;
  }
}
