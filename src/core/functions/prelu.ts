// prelu: leaky ReLU with a learnable slope, one shared or one per channel along axis 1 (as torch).
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import { axisLayout, outputLike } from '../tensor.js';
import type { AxisLayout } from '../tensor.js';
import { leakyBackward, leakyForward } from './leaky_relu.js';

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
  forward(x, params, out) {
    const alpha = params.alpha;
    const slopes = typeof alpha === 'number' ? [alpha] : alpha;
    const src = x.data;
    const n = src.length;
    const y = outputLike(src, n, out);
    const { outer, length, inner } = channelLayout(alpha, x.shape, n);
    for (let o = 0, i = 0; o < outer; o++) {
      for (let c = 0; c < length; c++, i += inner) leakyForward(src, y, i, i + inner, slopes[c]);
    }
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput, params, kink, out) {
    const alpha = params.alpha;
    const slopes = typeof alpha === 'number' ? [alpha] : alpha;
    const src = x.data;
    const g = gradOutput.data;
    const n = src.length;
    const gx = outputLike(src, n, out);
    const { outer, length, inner } = channelLayout(alpha, x.shape, n);
    // torch: prelu'(0) = alpha (its x <= 0 branch), which is also the left slope.
    const atZero = kink === 'right' ? 1 : 0;
    // d y/d alpha_c = x for x < 0 in channel c: each block's compensated sum, rounded once, is added
    // to the channel's sum with TwoSum again (at most half an ULP of each block's sum is lost).
    const sums = new Float64Array(length);
    const comps = new Float64Array(length);
    for (let o = 0, i = 0; o < outer; o++) {
      for (let c = 0; c < length; c++, i += inner) {
        const term = leakyBackward(src, g, gx, i, i + inner, slopes[c], Number.isFinite(slopes[c]), atZero);
        const sum = sums[c];
        const s = sum + term;
        const b = s - sum;
        comps[c] += sum - (s - b) + (term - b);
        sums[c] = s;
      }
    }
    const grads: number[] = [];
    for (let c = 0; c < length; c++) grads.push(Number.isFinite(sums[c]) ? sums[c] + comps[c] : sums[c]);
    // A list of length 1 answers a list; a number answers a number.
    const gradAlpha = typeof alpha === 'number' ? grads[0] : grads;
    return { gradInput: { data: gx, shape: x.shape }, gradParams: { alpha: gradAlpha } };
  },
});
