// Reads a compute request, JSON or binary, into tensors, effective params and the answer's format.
import type { FastifyRequest } from 'fastify';
import type { ActivationDefinition, Dtype, Kink, ParamValues, Tensor } from '../core/definition.js';
import { ApiError } from '../errors.js';
import { answerFormat, type AnswerFormat } from '../transport/accept.js';
import { parseDtype } from '../transport/binary.js';
import { decodeTensor } from '../transport/json.js';

export interface ComputeLimits {
  jsonMaxElements: number;
  /** JSON answers of about this many bytes or more are encoded in a worker. */
  offloadBytes: number;
}

export interface ComputeRequest {
  x: Tensor;
  /** Present for gradients when the caller sent one; otherwise the route uses ones. */
  gradOutput?: Tensor;
  params: ParamValues;
  kink: Kink;
  format: AnswerFormat;
  /** Element type of a binary answer: the request's for binary bodies, X-Dtype or float64 for JSON. */
  dtype: Dtype;
}

interface JsonBody {
  x: unknown;
  grad_output?: unknown;
  params?: ParamValues;
  kink?: Kink;
}

export function readComputeRequest(def: ActivationDefinition, request: FastifyRequest, limits: ComputeLimits): ComputeRequest {
  // requireComputeAccept has already answered 406 when neither format is acceptable.
  const format = answerFormat(request.headers.accept) ?? 'json';
  // A binary body was read and checked by its parser (transport/body-parsers.ts).
  const binary = request.binaryInput;
  if (binary !== null) {
    const { plan, tensors, params, outShape, kink } = binary;
    const gradOutput = tensors.gradOutput && { data: tensors.gradOutput, shape: outShape };
    return { x: { data: tensors.x, shape: plan.shape }, gradOutput, params, kink, format, dtype: plan.dtype };
  }
  const query = request.query as Record<string, string | undefined>;
  const keys = Object.keys(query);
  if (keys.length > 0) {
    throw new ApiError(
      'RECTIFIER_INVALID_PARAMS',
      `query parameters (${keys.join(', ')}) are for binary requests; a JSON request sets them in "params"`,
    );
  }
  const body = request.body as JsonBody;
  // A large body was parsed and its tensors decoded in a worker.
  const decoded = request.jsonTensors;
  const x = decoded?.x ?? decodeTensor(body.x, 'x', limits.jsonMaxElements);
  const params = body.params ?? {};
  const problem = def.check?.(params as never, x.shape);
  if (problem) throw new ApiError('RECTIFIER_INVALID_PARAMS', problem);
  const gradOutput =
    body.grad_output === undefined ? undefined : (decoded?.gradOutput ?? decodeTensor(body.grad_output, 'grad_output', limits.jsonMaxElements));
  const dtype = request.headers['x-dtype'] === undefined ? 'float64' : parseDtype(request.headers['x-dtype']);
  return { x, gradOutput, params, kink: body.kink ?? 'torch', format, dtype };
}
