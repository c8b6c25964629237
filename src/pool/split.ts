// Cutting a batch into slices that workers compute independently, and summing their parameter gradients.
import type { ActivationDefinition, ParamGrads, ParamValues } from '../core/definition.js';
import { axisLayout, normalizeDim, sizeOf } from '../core/tensor.js';

/** One slice: the shape the kernel sees, and where the slice sits in the input and output (elements). */
export interface Slice {
  shape: number[];
  inStart: number;
  inEnd: number;
  outStart: number;
  outEnd: number;
}

/**
 * The batch seen as `rows` independent rows of `rowSize` input and `outRowSize` output elements,
 * laid out one after the other. `shapeOf(k)` is a shape for k consecutive rows under which the
 * kernel computes, for those rows, exactly what it computes inside the whole batch.
 */
export interface RowLayout {
  rows: number;
  rowSize: number;
  outRowSize: number;
  shapeOf(rows: number): number[];
}

/** A parameter given as a list of several values binds them to positions (prelu: one per channel). */
function bindsPositions(params: ParamValues): boolean {
  return Object.values(params).some((v) => Array.isArray(v) && v.length > 1);
}

export function rowLayout(
  def: ActivationDefinition,
  shape: readonly number[],
  params: ParamValues,
  outSize: number,
): RowLayout {
  const size = sizeOf(shape);
  const whole: RowLayout = { rows: 1, rowSize: size, outRowSize: outSize, shapeOf: () => [...shape] };
  if (size === 0) return whole;
  if (def.kind === 'elementwise') {
    // Every element stands alone, unless values bind to channels along axis 1: then a slice keeps
    // every axis but the first, so element -> channel stays what it was.
    if (!bindsPositions(params)) return { rows: size, rowSize: 1, outRowSize: 1, shapeOf: (k) => [k] };
    if (shape.length < 2) return whole;
    const rows = shape[0];
    return { rows, rowSize: size / rows, outRowSize: outSize / rows, shapeOf: (k) => [k, ...shape.slice(1)] };
  }
  // 'axis' and 'reduction': the rows of axisLayout are independent and contiguous. A slice of k
  // rows keeps the rank (leading 1s, then k) so `dim`, negative or not, names the same axis.
  const axis = normalizeDim(Number(params.dim), shape.length);
  if (shape.length === 0 || axis === undefined || axis === 0) return whole;
  const { outer } = axisLayout(shape, axis);
  const lead = new Array<number>(axis - 1).fill(1);
  return { rows: outer, rowSize: size / outer, outRowSize: outSize / outer, shapeOf: (k) => [...lead, k, ...shape.slice(axis)] };
}

/**
 * At most `count` slices of whole rows, as even as rows allow. One slice is the batch itself,
 * with its own shape.
 */
export function slices(layout: RowLayout, count: number, shape: readonly number[]): Slice[] {
  const { rows, rowSize, outRowSize } = layout;
  const n = Math.max(1, Math.min(count, rows));
  if (n === 1) return [{ shape: [...shape], inStart: 0, inEnd: rows * rowSize, outStart: 0, outEnd: rows * outRowSize }];
  const base = Math.floor(rows / n);
  const extra = rows % n;
  const result: Slice[] = [];
  let row = 0;
  for (let i = 0; i < n; i++) {
    const k = base + (i < extra ? 1 : 0);
    result.push({
      shape: layout.shapeOf(k),
      inStart: row * rowSize,
      inEnd: (row + k) * rowSize,
      outStart: row * outRowSize,
      outEnd: (row + k) * outRowSize,
    });
    row += k;
  }
  return result;
}

/** Neumaier-compensated sum, as the kernels sum their own parameter gradients. */
function compensatedSum(values: readonly number[]): number {
  let sum = 0;
  let comp = 0;
  for (const v of values) {
    const s = sum + v;
    comp += Math.abs(sum) >= Math.abs(v) ? sum - s + v : v - s + sum;
    sum = s;
  }
  // With an infinity or NaN among the terms the compensation is NaN: the plain sum is the answer.
  return Number.isFinite(sum) ? sum + comp : sum;
}

/** The parameter gradients of a whole batch from those of its slices: summed, per channel for lists. */
export function sumParamGrads(parts: readonly ParamGrads[]): ParamGrads {
  if (parts.length === 1) return parts[0];
  const total: ParamGrads = {};
  for (const [key, first] of Object.entries(parts[0])) {
    total[key] =
      typeof first === 'number'
        ? compensatedSum(parts.map((p) => p[key] as number))
        : first.map((_, c) => compensatedSum(parts.map((p) => (p[key] as number[])[c])));
  }
  return total;
}
