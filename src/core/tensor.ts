// Shapes, axis layouts, output allocation and the conversion between nested arrays and tensors.
import type { FloatArray, Tensor } from './definition.js';

export const MAX_RANK = 8;

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** `out` when the caller gave one, else a new array of n elements of src's element type. */
export function outputLike(src: FloatArray, n: number, out?: FloatArray): FloatArray {
  return out ?? (src instanceof Float32Array ? new Float32Array(n) : new Float64Array(n));
}

/** A float64 tensor of ones with the given shape (the default upstream gradient of a JSON request). */
export function ones(shape: readonly number[]): Tensor {
  return { data: new Float64Array(sizeOf(shape)).fill(1), shape };
}

/** Resolves a possibly negative axis; undefined when out of range for the rank. */
export function normalizeDim(dim: number, rank: number): number | undefined {
  const r = Math.max(rank, 1);
  if (!Number.isInteger(dim) || dim < -r || dim >= r) return undefined;
  return dim < 0 ? dim + r : dim;
}

/**
 * The layout of a row-major tensor around one axis: `outer` rows before it, `length` along it,
 * `inner` elements after it. Element (o, k, i) sits at o*length*inner + k*inner + i.
 * A rank-0 tensor is treated as one row of length 1.
 */
export interface AxisLayout {
  outer: number;
  length: number;
  inner: number;
}

export function axisLayout(shape: readonly number[], axis: number): AxisLayout {
  if (shape.length === 0) return { outer: 1, length: 1, inner: 1 };
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  return { outer, length: shape[axis], inner };
}

/** Why a nested value is not a rectangular array of finite numbers; `path` is the element index. */
export interface NestedArrayProblem {
  reason: 'not_a_number' | 'not_finite' | 'ragged' | 'too_deep' | 'empty' | 'too_many';
  path: number[];
  message: string;
}

export type NestedParse = { ok: true; tensor: Tensor } | { ok: false; problem: NestedArrayProblem };

/**
 * Flattens a number or a rectangular nested array (rank 0..maxRank) into a float64 tensor, on the
 * first elements of `into` when given (it must hold `maxElements`), else on an array of its own.
 * Iterative, so a 100 000-deep nesting is a problem report, not a stack overflow.
 */
export function fromNested(value: unknown, maxElements = Infinity, maxRank = MAX_RANK, into?: Float64Array): NestedParse {
  // Shape from the first element at each depth.
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    if (shape.length === maxRank) {
      return fail('too_deep', [], `nested deeper than the maximum rank ${maxRank}`);
    }
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const size = sizeOf(shape);
  if (size === 0) return fail('empty', [], 'empty array; at least one element is required');
  if (size > maxElements) {
    return fail('too_many', [], `${size} elements (shape [${shape.join(', ')}]) exceed the limit of ${maxElements}`);
  }
  if (into !== undefined && size > into.length) throw new RangeError(`a tensor of ${size} elements does not fit its ${into.length}`);
  const data = into === undefined ? new Float64Array(size) : into.subarray(0, size);
  if (shape.length === 0) {
    const problem = checkNumber(value, []);
    if (problem) return { ok: false, problem };
    data[0] = value as number;
    return { ok: true, tensor: { data, shape } };
  }
  // Depth-first walk with an explicit stack of (array, next index) frames.
  const arrays: unknown[][] = [value as unknown[]];
  const index: number[] = [0];
  let out = 0;
  const rank = shape.length;
  while (arrays.length > 0) {
    const depth = arrays.length - 1;
    const arr = arrays[depth];
    const i = index[depth];
    if (i === arr.length) {
      arrays.pop();
      index.pop();
      if (index.length > 0) index[index.length - 1]++;
      continue;
    }
    const item = arr[i];
    if (depth === rank - 1) {
      const problem = checkNumber(item, index);
      if (problem) return { ok: false, problem };
      data[out++] = item as number;
      index[depth]++;
      continue;
    }
    if (!Array.isArray(item)) {
      return fail(
        typeof item === 'number' ? 'ragged' : 'not_a_number',
        [...index],
        typeof item === 'number'
          ? `ragged array: expected an array of length ${shape[depth + 1]}, got a number`
          : `expected an array of length ${shape[depth + 1]}, got ${describe(item)}`,
      );
    }
    if (item.length !== shape[depth + 1]) {
      return fail('ragged', [...index], `ragged array: expected length ${shape[depth + 1]}, got ${item.length}`);
    }
    arrays.push(item);
    index.push(0);
  }
  return { ok: true, tensor: { data, shape } };
}

function checkNumber(item: unknown, path: number[]): NestedArrayProblem | undefined {
  if (typeof item === 'number') {
    if (Number.isFinite(item)) return undefined;
    return {
      reason: 'not_finite',
      path: [...path],
      message: 'not a finite number (a JSON number too large for float64, such as 1e400)',
    };
  }
  if (Array.isArray(item)) {
    return { reason: 'ragged', path: [...path], message: 'ragged array: expected a number, got an array' };
  }
  return { reason: 'not_a_number', path: [...path], message: `expected a number, got ${describe(item)}` };
}

function fail(reason: NestedArrayProblem['reason'], path: number[], message: string): NestedParse {
  return { ok: false, problem: { reason, path, message } };
}

function describe(item: unknown): string {
  if (item === null) return 'null';
  if (Array.isArray(item)) return 'an array';
  return `a ${typeof item}`;
}

/** Rebuilds the nested array for a tensor (a plain number for rank 0). */
export function toNested(t: Tensor): unknown {
  const { data, shape } = t;
  if (shape.length === 0) return data[0];
  return build(data, shape, 0, 0);
}

function build(data: FloatArray, shape: readonly number[], axis: number, offset: number): unknown[] {
  const n = shape[axis];
  if (axis === shape.length - 1) {
    const row = new Array<number>(n);
    for (let i = 0; i < n; i++) row[i] = data[offset + i];
    return row;
  }
  const stride = sizeOf(shape.slice(axis + 1));
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = build(data, shape, axis + 1, offset + i * stride);
  return out;
}
