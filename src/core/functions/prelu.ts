// prelu: leaky ReLU with a learnable slope, one shared or one per channel along axis 1 (as torch).
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import { axisLayout } from '../tensor.js';
import type { AxisLayout } from '../tensor.js';

/** One slope for everything, or one per channel: the layout that maps element -> slope index. */
function channelLayout(alpha: number | number[], shape: readonly number[], size: number): AxisLayout {
  if (typeof alpha === 'number' || alpha.length === 1) return { outer: 1, length: 1, inner: size };
  return axisLayout(shape, 1);
}

export const prelu = defineActivation({
  name: 'prelu',
  summary: 'Parametric ReLU: leaky ReLU whose negative slope is learnt, shared or per channel (axis 1).',
  formula: '\\max(0, x) + \\alpha_c \\cdot \\min(0, x)',
  kind: 'elementwise',
  params: Type.Object(
    {
      alpha: Type.Union([Type.Number(), Type.Array(Type.Number(), { minItems: 1 })], {
        default: 0.25,
        description:
          'Slope for x <= 0 (learnable): one number, or one per channel along axis 1 (a list of length 1 or shape[1]).',
      }),
    },
    { additionalProperties: false },
  ),
  learnable: ['alpha'],
  hasKink: true,
  properties: { monotonic: true, smooth: false, bounded: false, zeroCentred: false, range: '(-inf, +inf)' },
  check(params, shape) {
    const alpha = params.alpha;
    if (typeof alpha === 'number' || alpha.length === 1) return undefined;
    if (shape.length < 2) {
      return `params.alpha has ${alpha.length} values but the input has rank ${shape.length} and so no channel axis (axis 1); give one value`;
    }
    if (alpha.length !== shape[1]) {
      return `params.alpha has ${alpha.length} values but the input has ${shape[1]} channels along axis 1`;
    }
    return undefined;
  },
  forward(x, params) {
    const alpha = params.alpha;
    const slopes = typeof alpha === 'number' ? [alpha] : alpha;
    const src = x.data;
    const y = new Float64Array(src.length);
    const { outer, length, inner } = channelLayout(alpha, x.shape, src.length);
    let i = 0;
    for (let o = 0; o < outer; o++) {
      for (let c = 0; c < length; c++) {
        const a = slopes[c];
        // a·(-inf) is NaN when a is 0; the limit of the zero function there is (-)0.
        const atNegInf = a === 0 ? -a : -Infinity * a;
        for (const end = i + inner; i < end; i++) {
          const v = src[i];
          y[i] = v > 0 ? v : v === -Infinity ? atNegInf : a * v; // NaN: a·NaN = NaN
        }
      }
    }
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput, params, kink) {
    const alpha = params.alpha;
    const slopes = typeof alpha === 'number' ? [alpha] : alpha;
    const src = x.data;
    const g = gradOutput.data;
    const gx = new Float64Array(src.length);
    const { outer, length, inner } = channelLayout(alpha, x.shape, src.length);
    // d y/d alpha_c = x for x < 0 in channel c; Neumaier-compensated sums per channel.
    const sums = new Float64Array(length);
    const comps = new Float64Array(length);
    let i = 0;
    for (let o = 0; o < outer; o++) {
      for (let c = 0; c < length; c++) {
        const a = slopes[c];
        // torch: prelu'(0) = alpha (its x <= 0 branch), which is also the left slope.
        const atZero = kink === 'right' ? 1 : a;
        let sum = sums[c];
        let comp = comps[c];
        for (const end = i + inner; i < end; i++) {
          const v = src[i];
          const gi = g[i];
          if (v > 0) {
            gx[i] = gi;
          } else if (v === 0) {
            gx[i] = gi * atZero;
          } else {
            gx[i] = v < 0 ? gi * a : v; // NaN propagates
            const term = gi * v;
            const s = sum + term;
            comp += Math.abs(sum) >= Math.abs(term) ? sum - s + term : term - s + sum;
            sum = s;
          }
        }
        sums[c] = sum;
        comps[c] = comp;
      }
    }
    const grads: number[] = [];
    for (let c = 0; c < length; c++) grads.push(Number.isFinite(sums[c]) ? sums[c] + comps[c] : sums[c]);
    // A list of length 1 answers a list; a number answers a number.
    const gradAlpha = typeof alpha === 'number' ? grads[0] : grads;
    return { gradInput: { data: gx, shape: x.shape }, gradParams: { alpha: gradAlpha } };
  },
});
