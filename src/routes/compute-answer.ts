// Writes a compute answer as JSON or as raw bytes with X-Dtype, X-Shape and X-Grad-Params headers.
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import type { ActivationDefinition, Gradient, Tensor } from '../core/definition.js';
import type { Lease } from '../pool/admission.js';
import type { ComputeService } from '../pool/compute.js';
import { BINARY_TYPE, gradParamsHeader } from '../transport/binary.js';
import { checkParamGrads, tensorJson } from '../transport/json-text.js';
import type { ComputeRequest } from './compute-request.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/** How JSON answers are encoded: on the event loop, or in a worker when they are large. */
export interface JsonEncoding {
  compute: ComputeService;
  /** Answers of about this many bytes or more are encoded off the event loop. */
  offloadBytes: number;
}

/** JSON text costs ~120 ns per number here, ~20 bytes each: a 1M answer would stall the event loop 120 ms. */
const JSON_BYTES_PER_NUMBER = 20;

/**
 * `head`, the tensor's text and `tail`: written into an arena region by a worker when large, else
 * built here. Either way the bytes JSON.stringify would give (test/transport/json-text.test.ts).
 */
function jsonAnswer(
  def: ActivationDefinition,
  head: string,
  t: Tensor,
  field: string,
  tail: string,
  encoding: JsonEncoding,
  lease: Lease | null,
): Promise<Buffer> | string {
  if (lease !== null && t.data.length * JSON_BYTES_PER_NUMBER >= encoding.offloadBytes) {
    return encoding.compute.encodeJson(def, head, t, field, tail, lease);
  }
  return head + tensorJson(t.data, t.shape, field) + tail;
}

/** The tensor in the answer's dtype: float32 requests already compute into float32 arrays. */
function inDtype(t: Tensor, req: ComputeRequest): Tensor {
  const wanted = req.dtype === 'float32' ? Float32Array : Float64Array;
  return t.data instanceof wanted ? t : { data: wanted.from(t.data), shape: t.shape };
}

/**
 * Bytes as they are, without a copy. Fastify sends a buffer only when it lives on an ArrayBuffer
 * (else it would serialize it as an object), so arena bytes go as a one-chunk stream with their
 * Content-Length; the region stays the request's until its answer is written (lifecycle.ts).
 */
function sendBytes(reply: FastifyReply, bytes: Buffer | string): FastifyReply {
  if (typeof bytes === 'string' || bytes.buffer instanceof ArrayBuffer) return reply.send(bytes);
  return reply.header('content-length', bytes.length).send(Readable.from([bytes]));
}

function sendBinary(reply: FastifyReply, t: Tensor, req: ComputeRequest): FastifyReply {
  const { data, shape } = inDtype(t, req);
  reply.type(BINARY_TYPE).header('x-dtype', req.dtype).header('x-shape', shape.join(','));
  return sendBytes(reply, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
}

const nameField = (def: ActivationDefinition) => `{"name":${JSON.stringify(def.name)},"shape":`;

export async function sendForward(
  reply: FastifyReply,
  def: ActivationDefinition,
  req: ComputeRequest,
  y: Tensor,
  encoding: JsonEncoding,
): Promise<FastifyReply> {
  if (req.format === 'binary') return sendBinary(reply, y, req);
  const head = `${nameField(def)}${JSON.stringify(y.shape)},"y":`;
  const tail = `,"params":${JSON.stringify(req.params)}}`;
  return sendBytes(reply.type(JSON_TYPE), await jsonAnswer(def, head, y, 'y', tail, encoding, reply.request.lease));
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
  const head = `${nameField(def)}${JSON.stringify(grad.gradInput.shape)},"grad_input":`;
  const kink = def.hasKink ? `,"kink":${JSON.stringify(req.kink)}` : '';
  const tail = `,"grad_params":${JSON.stringify(checkParamGrads(grad.gradParams))},"params":${JSON.stringify(req.params)}${kink}}`;
  return sendBytes(reply.type(JSON_TYPE), await jsonAnswer(def, head, grad.gradInput, 'grad_input', tail, encoding, reply.request.lease));
}
