// shifted_relu: max(-a, x), the "SReLU" of the source article: a ReLU moved down and left by a.
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';

export const shiftedRelu = defineActivation({
  name: 'shifted_relu',
  summary: 'Shifted ReLU: max(-a, x), a rectifier whose floor -a is learnt.',
  formula: '\\max(-a, x)',
  kind: 'elementwise',
  params: Type.Object(
    {
      a: Type.Number({ default: 1, description: 'Shift: the output floor is -a (learnable).' }),
    },
    { additionalProperties: false },
  ),
  learnable: ['a'],
  hasKink: true,
  properties: { monotonic: true, smooth: false, bounded: false, zeroCentred: false, range: '[-1, +inf)' },
  forward(x, params) {
    const floor = -params.a;
    const src = x.data;
    const y = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      y[i] = v < floor ? floor : v; // NaN passes through
    }
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput, params, kink) {
    const floor = -params.a;
    const src = x.data;
    const g = gradOutput.data;
    const gx = new Float64Array(src.length);
    // At x = -a torch-style (relu(x + a) - a) takes slope 0, as does the left piece; 'right' takes 1.
    // Where the slope in x is 0 the output is the floor -a, so d y/d a = -1 there.
    const kinkOnFloor = kink !== 'right';
    let sum = 0; // of g where y = -a; d loss/d a = -sum
    let comp = 0;
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      const gi = g[i];
      if (v > floor) {
        gx[i] = gi;
        continue;
      }
      let term: number;
      if (v < floor) {
        gx[i] = 0;
        term = gi;
      } else if (v === floor) {
        if (!kinkOnFloor) {
          gx[i] = gi;
          continue;
        }
        gx[i] = 0;
        term = gi;
      } else {
        gx[i] = v; // NaN propagates
        term = v;
      }
      const s = sum + term;
      comp += Math.abs(sum) >= Math.abs(term) ? sum - s + term : term - s + sum;
      sum = s;
    }
    const gradA = -(Number.isFinite(sum) ? sum + comp : sum);
    return { gradInput: { data: gx, shape: x.shape }, gradParams: { a: gradA } };
  },
});
