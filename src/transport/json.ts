// The JSON transport: nested arrays in, nested arrays out, with errors that name the element.
import type { Tensor } from '../core/definition.js';
import { fromNested, toNested } from '../core/tensor.js';
import { ApiError } from '../errors.js';

/** Turns a nested JSON value into a tensor, or throws a 400/413 naming the field and element index. */
export function decodeTensor(value: unknown, field: string, maxElements: number, shared = false): Tensor {
  const parsed = fromNested(value, maxElements, undefined, shared);
  if (parsed.ok) return parsed.tensor;
  const { reason, path, message } = parsed.problem;
  const where = field + path.map((i) => `[${i}]`).join('');
  throw new ApiError(reason === 'too_many' ? 'RECTIFIER_TOO_MANY_ELEMENTS' : 'RECTIFIER_INVALID_TENSOR', `${where}: ${message}`);
}

/** The nested JSON value of a tensor; a non-finite element is a 422 (JSON has no Infinity or NaN). */
export function encodeTensor(t: Tensor, field: string): unknown {
  const data = t.data;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) {
      throw new ApiError(
        'RECTIFIER_NON_FINITE_RESULT',
        `${field} has a non-finite value (${v}) at flat index ${i}, which JSON cannot carry; ` +
          'send the request with Content-Type: application/octet-stream and Accept: application/octet-stream',
      );
    }
  }
  return toNested(t);
}

/** Same as encodeTensor for parameter gradients (numbers or per-channel arrays). */
export function encodeParamGrads(grads: Record<string, number | number[]>): Record<string, number | number[]> {
  for (const [name, g] of Object.entries(grads)) {
    const values = typeof g === 'number' ? [g] : g;
    for (const v of values) {
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
 * The JSON text of an answer whose `tensorFields` hold tensors: each becomes its nested array (a
 * 422 if it holds a non-finite value), key order kept. The inline path and the worker both call
 * this, so an offloaded answer is byte-identical to an inline one.
 */
export function answerText(answer: Record<string, unknown>, tensorFields: readonly string[]): string {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(answer)) {
    out[key] = tensorFields.includes(key) ? encodeTensor(value as Tensor, key) : value;
  }
  return JSON.stringify(out);
}
