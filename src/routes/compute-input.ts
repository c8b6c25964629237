// Turning a validated JSON body into tensors and effective params, shared by forward and gradient.
import type { ActivationDefinition, ParamValues, Tensor } from '../core/definition.js';
import { ApiError } from '../errors.js';
import { decodeTensor } from '../transport/json.js';

export interface ComputeInput {
  x: Tensor;
  params: ParamValues;
}

/** Decodes x and checks params against the input shape; Ajv has already filled defaults. */
export function computeInput(
  def: ActivationDefinition,
  body: { x: unknown; params?: ParamValues },
  maxElements: number,
): ComputeInput {
  const x = decodeTensor(body.x, 'x', maxElements);
  const params = body.params ?? {};
  const problem = def.check?.(params as never, x.shape);
  if (problem) throw new ApiError('RECTIFIER_INVALID_PARAMS', problem);
  return { x, params };
}
