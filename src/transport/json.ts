// The JSON transport's tensors: nested arrays in, with errors that name the element.
import type { Tensor } from '../core/definition.js';
import { fromNested } from '../core/tensor.js';
import { ApiError } from '../errors.js';

/**
 * Turns a nested JSON value into a tensor (on the first elements of `into` when given), or throws a
 * 400/413 naming the field and element index.
 */
export function decodeTensor(value: unknown, field: string, maxElements: number, into?: Float64Array): Tensor {
  const parsed = fromNested(value, maxElements, undefined, into);
  if (parsed.ok) return parsed.tensor;
  const { reason, path, message } = parsed.problem;
  const where = field + path.map((i) => `[${i}]`).join('');
  throw new ApiError(reason === 'too_many' ? 'RECTIFIER_TOO_MANY_ELEMENTS' : 'RECTIFIER_INVALID_TENSOR', `${where}: ${message}`);
}
