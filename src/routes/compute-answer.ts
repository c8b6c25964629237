// Writes a compute answer as JSON or as raw bytes with X-Dtype, X-Shape and X-Grad-Params headers.
import type { FastifyReply } from 'fastify';
import type { ActivationDefinition, Gradient, Tensor } from '../core/definition.js';
import { BINARY_TYPE, bytesOf, gradParamsHeader } from '../transport/binary.js';
import { answerText, encodeParamGrads } from '../transport/json.js';
import type { ComputeRequest } from './compute-request.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/** How JSON answers are encoded: inline, or in a worker when they are large. */
export interface JsonEncoding {
  /** Answers of about this many bytes or more are encoded off the event loop. */
  offloadBytes: number;
  encodeInWorker: (answer: Record<string, unknown>, tensorFields: string[]) => Promise<Buffer>;
}

/** JSON.stringify costs ~120 ns per number here, ~20 bytes each: a 1M answer would stall 120 ms. */
const JSON_BYTES_PER_NUMBER = 20;

function jsonAnswer(answer: Record<string, unknown>, field: string, t: Tensor, encoding: JsonEncoding): Promise<string | Buffer> | string {
  if (t.data.length * JSON_BYTES_PER_NUMBER >= encoding.offloadBytes) return encoding.encodeInWorker(answer, [field]);
  return answerText(answer, [field]);
}

/** The tensor in the answer's dtype: float32 requests already compute into float32 arrays. */
function inDtype(t: Tensor, req: ComputeRequest): Tensor {
  const wanted = req.dtype === 'float32' ? Float32Array : Float64Array;
  return t.data instanceof wanted ? t : { data: wanted.from(t.data), shape: t.shape };
}

function sendBinary(reply: FastifyReply, t: Tensor, req: ComputeRequest): FastifyReply {
  const out = inDtype(t, req);
  return reply
    .type(BINARY_TYPE)
    .header('x-dtype', req.dtype)
    .header('x-shape', out.shape.join(','))
    .send(bytesOf(out.data));
}

export async function sendForward(
  reply: FastifyReply,
  def: ActivationDefinition,
  req: ComputeRequest,
  y: Tensor,
  encoding: JsonEncoding,
): Promise<FastifyReply> {
  if (req.format === 'binary') return sendBinary(reply, y, req);
  const answer = { name: def.name, shape: y.shape, y, params: req.params };
  return reply.type(JSON_TYPE).send(await jsonAnswer(answer, 'y', y, encoding));
}

export async function sendGradient(
  reply: FastifyReply,
  def: ActivationDefinition,
  req: ComputeRequest,
  grad: Gradient,
  encoding: JsonEncoding,
): Promise<FastifyReply> {
  if (req.format === 'binary') {
    reply.header('x-grad-params', gradParamsHeader(grad.gradParams));
    if (def.hasKink) reply.header('x-kink', req.kink);
    return sendBinary(reply, grad.gradInput, req);
  }
  const answer: Record<string, unknown> = {
    name: def.name,
    shape: grad.gradInput.shape,
    grad_input: grad.gradInput,
    grad_params: encodeParamGrads(grad.gradParams),
    params: req.params,
  };
  if (def.hasKink) answer.kink = req.kink;
  return reply.type(JSON_TYPE).send(await jsonAnswer(answer, 'grad_input', grad.gradInput, encoding));
}
