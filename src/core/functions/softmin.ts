// softmin: softmax of the negated input, so the smallest entries of a row get the most mass.
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import { checkDim, softmaxBackward, softmaxForward } from './softmax_row.js';

export const softmin = defineActivation({
  name: 'softmin',
  summary: 'Softmax of the negated input along an axis: the smallest entries get the most mass.',
  formula: '\\frac{e^{-x_i}}{\\sum_{j} e^{-x_j}} \\quad (i, j \\text{ along } \\mathrm{dim})',
  kind: 'axis',
  params: Type.Object(
    {
      dim: Type.Integer({ default: -1, minimum: -8, maximum: 7, description: 'Axis along which the row is normalised; negative counts from the end.' }),
    },
    { additionalProperties: false },
  ),
  learnable: [],
  hasKink: false,
  // As softmax: outputs in (0, 1) (1 for a one-element row), not monotonic as a vector map.
  properties: { monotonic: false, smooth: true, bounded: true, zeroCentred: false, range: '(0, 1]' },
  check(params, shape) {
    return checkDim(params.dim, shape.length);
  },
  forward(x, params, out) {
    return softmaxForward(x, params.dim, -1, out);
  },
  backward(x, gradOutput, params, _kink, out) {
    // d softmax(−x)/dx = −J_softmax(−x): the softmax VJP at −x with the sign flipped.
    return { gradInput: softmaxBackward(x, gradOutput, params.dim, -1, out), gradParams: {} };
  },
});
