// Reads a compute request, JSON or binary, into tensors, effective params and the answer's format.
import type { TSchema } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { ActivationDefinition, Kink, ParamValues, Tensor } from '../core/definition.js';
import { resolveParams } from '../core/params.js';
import { ApiError } from '../errors.js';
import { answerFormat, type AnswerFormat } from '../transport/accept.js';
import { decodeBinary, parseDtype, paramsFromQuery, type Dtype } from '../transport/binary.js';
import { decodeTensor } from '../transport/json.js';
import { takeDecodedTensors } from '../transport/json-body.js';

export interface ComputeLimits {
  jsonMaxElements: number;
  binaryMaxElements: number;
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

export function readComputeRequest(
  def: ActivationDefinition,
  request: FastifyRequest,
  limits: ComputeLimits,
  gradient: boolean,
): ComputeRequest {
  // requireComputeAccept has already answered 406 when neither format is acceptable.
  const format = answerFormat(request.headers.accept) ?? 'json';
  const query = request.query as Record<string, string | undefined>;
  if (Buffer.isBuffer(request.body)) return readBinary(def, request.body, request, query, limits, gradient, format);
  if (Object.keys(query).length > 0) {
    throw new ApiError(
      'RECTIFIER_INVALID_PARAMS',
      `query parameters (${Object.keys(query).join(', ')}) are for binary requests; a JSON request sets them in "params"`,
    );
  }
  const body = request.body as JsonBody;
  // A large body was parsed and its tensors decoded in a worker (transport/json-body.ts).
  const decoded = takeDecodedTensors(request);
  const x = decoded?.x ?? decodeTensor(body.x, 'x', limits.jsonMaxElements);
  const params = body.params ?? {};
  checkShape(def, params, x.shape);
  const gradOutput =
    body.grad_output === undefined ? undefined : (decoded?.gradOutput ?? decodeTensor(body.grad_output, 'grad_output', limits.jsonMaxElements));
  const dtype = request.headers['x-dtype'] === undefined ? 'float64' : parseDtype(request.headers['x-dtype']);
  return { x, gradOutput, params, kink: body.kink ?? 'torch', format, dtype };
}

function readBinary(
  def: ActivationDefinition,
  body: Buffer,
  request: FastifyRequest,
  query: Record<string, string | undefined>,
  limits: ComputeLimits,
  gradient: boolean,
  format: AnswerFormat,
): ComputeRequest {
  const { kink: kinkText, ...rawParams } = query;
  const raw = paramsFromQuery(rawParams, def.params.properties as Record<string, TSchema>);
  // Params are checked against x's shape, and the output's shape depends on them; a gradient body
  // needs the output's size to be split, so decodeBinary asks for it as soon as X-Shape is read.
  let layout: { params: ParamValues; outShape: number[] } | undefined;
  const layoutOf = (shape: number[]) => {
    if (layout === undefined) {
      const params = resolve(def, raw, shape);
      layout = { params, outShape: def.outputShape?.(shape, params as never) ?? shape };
    }
    return layout;
  };
  const tensors = decodeBinary(body, request.headers, {
    gradient,
    maxElements: limits.binaryMaxElements,
    outputShape: (shape) => layoutOf(shape).outShape,
  });
  const { params, outShape } = layoutOf(tensors.shape);
  const kink = readKink(def, kinkText, gradient);
  const gradOutput = tensors.gradOutput && { data: tensors.gradOutput, shape: outShape };
  return { x: { data: tensors.x, shape: tensors.shape }, gradOutput, params, kink, format, dtype: tensors.dtype };
}

function resolve(def: ActivationDefinition, raw: Record<string, unknown>, shape: readonly number[]): ParamValues {
  const result = resolveParams(def, raw, shape);
  if (!result.ok) {
    const message = result.message.startsWith(result.field) ? result.message : `${result.field}: ${result.message}`;
    throw new ApiError('RECTIFIER_INVALID_PARAMS', message);
  }
  return result.params;
}

function readKink(def: ActivationDefinition, text: string | undefined, gradient: boolean): Kink {
  if (text === undefined) return 'torch';
  if (!gradient || !def.hasKink) {
    throw new ApiError('RECTIFIER_INVALID_PARAMS', `kink is not a parameter of ${gradient ? def.name : 'a forward request'}`);
  }
  if (text === 'torch' || text === 'left' || text === 'right') return text;
  throw new ApiError('RECTIFIER_INVALID_PARAMS', `kink must be torch, left or right, got '${text}'`);
}

function checkShape(def: ActivationDefinition, params: ParamValues, shape: readonly number[]): void {
  const problem = def.check?.(params as never, shape);
  if (problem) throw new ApiError('RECTIFIER_INVALID_PARAMS', problem);
}
