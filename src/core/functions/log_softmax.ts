// log_softmax: the logarithm of softmax along an axis, computed without forming softmax.
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import { axisLayout, normalizeDim, outputLike } from '../tensor.js';
import type { FloatArray } from '../definition.js';
import { ROW_FINITE, ROW_INF, checkDim, fillRow, logSoftmaxBackward, oneHotRow, scanRow, shiftLo } from './softmax_row.js';

export const logSoftmax = defineActivation({
  name: 'log_softmax',
  summary: 'Logarithm of softmax along an axis: x minus the row\'s log-sum-exp.',
  formula: 'x_i - \\log \\sum_{j} e^{x_j} \\quad (i, j \\text{ along } \\mathrm{dim})',
  kind: 'axis',
  params: Type.Object(
    {
      dim: Type.Integer({ default: -1, minimum: -8, maximum: 7, description: 'Axis along which the row is normalised; negative counts from the end.' }),
    },
    { additionalProperties: false },
  ),
  learnable: [],
  hasKink: false,
  // Values in (−inf, 0) (exactly 0 for a one-element row); not monotonic as a vector map.
  properties: { monotonic: false, smooth: true, bounded: false, zeroCentred: false, range: '(-inf, 0]' },
  check(params, shape) {
    return checkDim(params.dim, shape.length);
  },
  forward(x, params, out) {
    const src = x.data;
    const shape = x.shape;
    const { outer, length: n, inner } = axisLayout(shape, normalizeDim(params.dim, shape.length) ?? 0);
    const y = outputLike(src, src.length, out);
    const w = new Float64Array(n); // scanRow's weights, unused here
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * n * inner + i;
        const s = scanRow(src, base, inner, n, 1, false, w);
        if (s.status === ROW_FINITE) {
          // log S = log1p(tail): S = 1 + tail loses the tail's low bits when it is small.
          logSoftmaxRow(src, y, base, inner, n, s.max, Math.log1p(s.tail));
        } else if (s.status === ROW_INF) {
          // Entries below an infinite maximum: −inf. One entry at it: 0; several: undefined.
          oneHotRow(src, 1, s.max, s.infCount === 1 ? 0 : NaN, -Infinity, y, base, inner, n);
        } else {
          fillRow(y, base, inner, n, NaN);
        }
      }
    }
    return { data: y, shape };
  },
  backward(x, gradOutput, params, _kink, out) {
    return { gradInput: logSoftmaxBackward(x, gradOutput, params.dim, out), gradParams: {} };
  },
});

/** y_j = (x_j − max) − lse for one row (a loop of its own: see relu.ts). */
function logSoftmaxRow(src: FloatArray, y: FloatArray, base: number, stride: number, n: number, max: number, lse: number): void {
  for (let j = 0, p = base; j < n; j++, p += stride) {
    const v = src[p];
    const hi = v - max;
    // hi ≤ 0 and lse ≥ 0: no cancellation; lo (exact remainder of x − max) is added last.
    y[p] = hi === -Infinity ? hi : hi - lse + shiftLo(v, max, hi);
  }
}
