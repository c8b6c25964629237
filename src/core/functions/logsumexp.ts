// logsumexp: the log of the sum of exponentials along an axis (a smooth maximum), a reduction.
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import { axisLayout, normalizeDim, outputLike } from '../tensor.js';
import type { FloatArray } from '../definition.js';
import { ROW_FINITE, ROW_INF, checkDim, fillRow, oneHotRow, scanRow } from './softmax_row.js';

/** The input shape without the reduced axis, or with it as 1 (keepdim); rank 0 stays rank 0. */
function reducedShape(shape: readonly number[], dim: number, keepdim: boolean): number[] {
  if (shape.length === 0) return [];
  const axis = normalizeDim(dim, shape.length) ?? 0;
  if (keepdim) return shape.map((d, k) => (k === axis ? 1 : d));
  return shape.filter((_, k) => k !== axis);
}

export const logsumexp = defineActivation({
  name: 'logsumexp',
  summary: 'Log of the sum of exponentials along an axis: a smooth maximum that reduces the axis.',
  formula: '\\log\\Big([\\mathrm{with\\_zero}] + \\sum_{j} e^{x_j}\\Big) \\quad (j \\text{ along } \\mathrm{dim})',
  kind: 'reduction',
  params: Type.Object(
    {
      dim: Type.Integer({ default: -1, minimum: -8, maximum: 7, description: 'Axis that is reduced; negative counts from the end.' }),
      keepdim: Type.Boolean({ default: false, description: 'Keep the reduced axis with length 1.' }),
      with_zero: Type.Boolean({
        default: false,
        description: 'Add an implicit element 0 to every row: LSE(0, x...), the multivariable softplus.',
      }),
    },
    { additionalProperties: false },
  ),
  learnable: [],
  hasKink: false,
  // Strictly increasing in every input; max_j x_j ≤ LSE ≤ max_j x_j + log n.
  properties: { monotonic: true, smooth: true, bounded: false, zeroCentred: false, range: '(-inf, +inf)' },
  check(params, shape) {
    return checkDim(params.dim, shape.length);
  },
  outputShape(shape, params) {
    return reducedShape(shape, params.dim, params.keepdim);
  },
  forward(x, params, out) {
    const src = x.data;
    const { outer, length: n, inner } = axisLayout(x.shape, normalizeDim(params.dim, x.shape.length) ?? 0);
    const withZero = params.with_zero;
    const y = outputLike(src, outer * inner, out);
    const w = new Float64Array(n); // scanRow's weights, unused here
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const s = scanRow(src, o * n * inner + i, inner, n, 1, withZero, w);
        // max + log1p(tail): log(1 + tail) would lose the tail's low bits when it is small. An
        // infinite maximum is the answer itself (+inf, or −inf for a row of −inf without zero).
        y[o * inner + i] = s.status === ROW_FINITE ? s.max + Math.log1p(s.tail) : s.status === ROW_INF ? s.max : NaN;
      }
    }
    return { data: y, shape: reducedShape(x.shape, params.dim, params.keepdim) };
  },
  backward(x, gradOutput, params, _kink, out) {
    // d LSE / dx_j = softmax_j over the row (the implicit zero in the normalisation with with_zero);
    // gradOutput[o, i] is broadcast along the row whether or not the axis was kept.
    const src = x.data;
    const g = gradOutput.data;
    const shape = x.shape;
    const { outer, length: n, inner } = axisLayout(shape, normalizeDim(params.dim, shape.length) ?? 0);
    const withZero = params.with_zero;
    const gx = outputLike(src, src.length, out);
    const w = new Float64Array(n);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * n * inner + i;
        const go = g[o * inner + i];
        const s = scanRow(src, base, inner, n, 1, withZero, w);
        if (s.status === ROW_FINITE) {
          scaleRow(w, n, go, 1 + s.tail, gx, base, inner);
        } else if (s.status === ROW_INF) {
          // One-hot limit at a single infinite maximum; several: their share is undefined.
          oneHotRow(src, 1, s.max, s.infCount === 1 ? go : NaN, 0 * go, gx, base, inner, n);
        } else {
          fillRow(gx, base, inner, n, NaN);
        }
      }
    }
    return { gradInput: { data: gx, shape }, gradParams: {} };
  },
});

/** gx_j = go·(w_j/total) for one row (a loop of its own: see relu.ts). */
function scaleRow(w: Float64Array, n: number, go: number, total: number, gx: FloatArray, base: number, stride: number): void {
  for (let j = 0, p = base; j < n; j++, p += stride) gx[p] = go * (w[j] / total);
}
