// softmax: exponentials normalised along an axis, so each row is a probability distribution.
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import { checkDim, softmaxBackward, softmaxForward } from './softmax_row.js';

export const softmax = defineActivation({
  name: 'softmax',
  summary: 'Normalised exponential along an axis: each row becomes a probability distribution.',
  formula: '\\frac{e^{x_i}}{\\sum_{j} e^{x_j}} \\quad (i, j \\text{ along } \\mathrm{dim})',
  kind: 'axis',
  params: Type.Object(
    {
      dim: Type.Integer({ default: -1, minimum: -8, maximum: 7, description: 'Axis along which the row is normalised; negative counts from the end.' }),
    },
    { additionalProperties: false },
  ),
  learnable: [],
  hasKink: false,
  // Each output is in (0, 1) (exactly 1 for a row of one element); raising one input raises its
  // output and lowers the others, so the map is not monotonic.
  properties: { monotonic: false, smooth: true, bounded: true, zeroCentred: false, range: '(0, 1]' },
  check(params, shape) {
    return checkDim(params.dim, shape.length);
  },
  forward(x, params, out) {
    return softmaxForward(x, params.dim, 1, out);
  },
  backward(x, gradOutput, params, _kink, out) {
    return { gradInput: softmaxBackward(x, gradOutput, params.dim, 1, out), gradParams: {} };
  },
});
