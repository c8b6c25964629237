// logsumexp: the log of the sum of exponentials along an axis (a smooth maximum), a reduction.
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import { axisLayout, normalizeDim } from '../tensor.js';
import { ROW_FINITE, ROW_INF, checkDim, scanRow } from './softmax_row.js';

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
  forward(x, params) {
    const src = x.data;
    const { outer, length: n, inner } = axisLayout(x.shape, normalizeDim(params.dim, x.shape.length) ?? 0);
    const withZero = params.with_zero;
    const y = new Float64Array(outer * inner);
    const weights = new Float64Array(n);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const s = scanRow(src, o * n * inner + i, inner, n, 1, withZero, weights, 0, 1);
        // max + log1p(tail): log(1 + tail) would lose the tail's low bits when it is small. An
        // infinite maximum is the answer itself (+inf, or −inf for a row of −inf without zero).
        y[o * inner + i] = s.status === ROW_FINITE ? s.max + Math.log1p(s.tail) : s.status === ROW_INF ? s.max : NaN;
      }
    }
    return { data: y, shape: reducedShape(x.shape, params.dim, params.keepdim) };
  },
  backward(x, gradOutput, params) {
    // d LSE / dx_j = softmax_j over the row (the implicit zero in the normalisation with with_zero);
    // gradOutput[o, i] is broadcast along the row whether or not the axis was kept.
    const src = x.data;
    const g = gradOutput.data;
    const { outer, length: n, inner } = axisLayout(x.shape, normalizeDim(params.dim, x.shape.length) ?? 0);
    const withZero = params.with_zero;
    const gx = new Float64Array(src.length);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * n * inner + i;
        const go = g[o * inner + i];
        const s = scanRow(src, base, inner, n, 1, withZero, gx, base, inner);
        if (s.status === ROW_FINITE) {
          const total = 1 + s.tail;
          for (let j = 0, p = base; j < n; j++, p += inner) gx[p] = go * (gx[p] / total);
        } else if (s.status === ROW_INF) {
          // One-hot limit at a single infinite maximum; several: their share is undefined.
          const top = s.infCount === 1 ? go : NaN;
          for (let j = 0, p = base; j < n; j++, p += inner) gx[p] = src[p] === s.max ? top : 0 * go;
        } else {
          for (let j = 0, p = base; j < n; j++, p += inner) gx[p] = NaN;
        }
      }
    }
    return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
  },
});
