// JSON text of tensors and answers, written straight from typed arrays: the bytes JSON.stringify would give.
import type { FloatArray, ParamGrads } from '../core/definition.js';
import { ApiError } from '../errors.js';

/** The longest text of a finite double: 25 characters (`-0.0000012345678901234567`; `-2.2250738585072014e-308` has 24). */
export const MAX_NUMBER_CHARS = 25;

/** Numbers per piece written into a byte buffer: a string of ~200 KB at most. */
const PIECE = 8192;

/** A 422 naming the first non-finite value, which JSON cannot carry. */
export function nonFinite(field: string, value: number, index: number): ApiError {
  return new ApiError(
    'RECTIFIER_NON_FINITE_RESULT',
    `${field} has a non-finite value (${value}) at flat index ${index}, which JSON cannot carry; ` +
      'send the request with Content-Type: application/octet-stream and Accept: application/octet-stream',
  );
}

/** Same check for parameter gradients: numbers, or one per channel. */
export function checkParamGrads(grads: ParamGrads): ParamGrads {
  for (const [name, g] of Object.entries(grads)) {
    for (const v of typeof g === 'number' ? [g] : g) {
      if (!Number.isFinite(v)) {
        throw new ApiError(
          'RECTIFIER_NON_FINITE_RESULT',
          `grad_params.${name} is not finite (${v}), which JSON cannot carry; use the binary transport`,
        );
      }
    }
  }
  return grads;
}

/**
 * The pieces of a tensor's nested-array text, in order, of at most PIECE numbers each. Row by row:
 * before a row, one '[' for the row and one for every outer axis whose sub-array starts there;
 * after it, as many ']'; ',' between rows. Numbers as String() writes them, which is what
 * JSON.stringify writes for every finite double (-0 included: both give "0").
 */
function* pieces(data: FloatArray, shape: readonly number[], field: string): Generator<string> {
  if (shape.length === 0) {
    if (data[0] - data[0] !== 0) throw nonFinite(field, data[0], 0);
    yield String(data[0]);
    return;
  }
  const rank = shape.length;
  const row = shape[rank - 1];
  // The span of every enclosing array: the whole tensor, then one fewer axis each time, down to (not including) rows.
  const spans: number[] = [];
  for (let k = 0, s = data.length; k < rank - 1; s /= shape[k++]) spans.push(s);
  let text = '';
  let count = 0;
  for (let start = 0; start < data.length; start += row) {
    if (start > 0) text += ',';
    text += '[';
    for (const s of spans) if (start % s === 0) text += '[';
    const end = start + row;
    for (let i = start; i < end; i++) {
      const v = data[i];
      if (v - v !== 0) throw nonFinite(field, v, i);
      text += i === start ? String(v) : ',' + String(v);
      // A long row is cut too: a string built of millions of pieces would hold a node per piece.
      if (++count === PIECE) {
        yield text;
        text = '';
        count = 0;
      }
    }
    text += ']';
    for (const s of spans) if (end % s === 0) text += ']';
  }
  if (text !== '') yield text;
}

/** The JSON text of a tensor as a string (for answers small enough to build on the event loop). */
export function tensorJson(data: FloatArray, shape: readonly number[], field: string): string {
  let text = '';
  for (const piece of pieces(data, shape, field)) text += piece;
  return text;
}

/** Bytes that the JSON text of `elements` values of any shape of rank <= `rank` can take at most. */
export function maxTensorJsonBytes(elements: number, rank: number): number {
  // Each element, its separator, and two brackets per array (at most one array per element per axis).
  return elements * (MAX_NUMBER_CHARS + 1 + 2 * Math.max(1, rank)) + 2;
}

/**
 * Writes `head`, the tensor's JSON text and `tail` into `out`; returns the length written, or
 * undefined when `cancelled()` turned true between two pieces. The numbers' text is ASCII (written
 * as latin1, the cheapest); head and tail as UTF-8. `out` must hold maxTensorJsonBytes more than
 * the head's and tail's bytes.
 */
export function writeAnswerJson(
  out: Buffer,
  head: string,
  data: FloatArray,
  shape: readonly number[],
  field: string,
  tail: string,
  cancelled: () => boolean = () => false,
): number | undefined {
  let pos = 0;
  const put = (text: string, encoding: 'latin1' | 'utf8') => {
    const length = encoding === 'latin1' ? text.length : Buffer.byteLength(text);
    if (out.write(text, pos, encoding) !== length) throw new Error('answer text longer than its buffer');
    pos += length;
  };
  put(head, 'utf8');
  for (const piece of pieces(data, shape, field)) {
    if (cancelled()) return undefined;
    put(piece, 'latin1');
  }
  put(tail, 'utf8');
  return pos;
}
