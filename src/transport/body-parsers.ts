// The body parsers of the compute routes: memory reserved before a byte is read, then JSON or raw binary.
import type { TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { ActivationDefinition, Kink, ParamValues } from '../core/definition.js';
import { resolveParams } from '../core/params.js';
import type { Config } from '../config.js';
import { ApiError } from '../errors.js';
import type { Lease } from '../pool/admission.js';
import { answerFormat } from './accept.js';
import { BINARY_TYPE, paramsFromQuery, planBinary, splitBinary, type BinaryPlan, type BinaryTensors } from './binary.js';
import { readBody } from './body-reader.js';
import { deferContinue, sendContinue } from './continue.js';
import { parseJsonBytes } from './json-parse.js';
import type { ParsedJsonBody } from './json-offload.js';
import { binaryRequestBytes, jsonRequestBytes, parsedJsonRequestBytes } from './memory-needs.js';

/** What a compute route declares in its config, so its body parser knows the function before the body. */
export interface ComputeRoute {
  def: ActivationDefinition;
  gradient: boolean;
}

/** A binary body read and checked: the plan from its headers, its tensors, its params and kink. */
export interface BinaryInput {
  plan: BinaryPlan;
  tensors: BinaryTensors;
  params: ParamValues;
  outShape: number[];
  kink: Kink;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    compute?: ComputeRoute;
  }
  interface FastifyRequest {
    /** The request's share of memory and compute, taken by its body parser; released when it is answered. */
    lease: Lease | null;
    binaryInput: BinaryInput | null;
    /** A large JSON body's tensors, decoded in a worker. */
    jsonTensors: ParsedJsonBody | null;
  }
}

/**
 * Requests refused while their body was still coming, whose rest is small enough to read and
 * drop: their answer keeps the connection open (Node reads the rest), so the client, still
 * sending, is not reset before it reads its answer. Larger ones are closed, as Fastify does.
 */
const draining = new WeakSet<IncomingMessage>();

/** True when a refused request's body is drained and its connection kept (error-handler.ts). */
export function drainsBody(request: FastifyRequest): boolean {
  return draining.has(request.raw);
}

/** Runs a parser; an ApiError of a body within `limit` lets the rest of the body be read and dropped. */
function refusingGently<T>(limit: number, parse: (request: FastifyRequest, payload: IncomingMessage) => Promise<T>) {
  return async (request: FastifyRequest, payload: IncomingMessage): Promise<T> => {
    try {
      return await parse(request, payload);
    } catch (err) {
      const declared = declaredLength(request);
      if (err instanceof ApiError && declared !== undefined && declared <= limit && !payload.readableEnded) {
        draining.add(request.raw);
        payload.resume();
      }
      throw err;
    }
  };
}

/** A chunked JSON body is read on the heap up to this, or up to JSON_OFFLOAD_BYTES when larger. */
const CHUNKED_JSON_BYTES = 64 * 1024;

function declaredLength(request: FastifyRequest): number | undefined {
  const header = request.headers['content-length'];
  return header === undefined ? undefined : Number(header);
}

/** A route that takes no body here (not found, or not a compute route): nothing is read or reserved. */
function noBody(payload: IncomingMessage): undefined {
  payload.resume();
  return undefined;
}

/** The query string checked against the route's schema (unknown parameters named), as Fastify would after parsing. */
function checkQuery(request: FastifyRequest): void {
  const validate = request.getValidationFunction('querystring');
  if (validate !== undefined && !validate(request.query)) {
    throw Object.assign(new Error('invalid query string'), { validation: validate.errors, validationContext: 'querystring' });
  }
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

export function registerBodyParsers(fastify: FastifyInstance, config: Config): void {
  fastify.decorateRequest('lease', null);
  fastify.decorateRequest('binaryInput', null);
  fastify.decorateRequest('jsonTensors', null);
  deferContinue(fastify.server);
  fastify.removeContentTypeParser(['text/plain', 'application/json']);

  /**
   * Dtype, shape, params and the declared length are checked before anything is read; then the
   * body's memory (and its output's, and its answer's) is reserved, and the bytes land in an arena
   * region as they arrive: one copy, into pages the last request already touched.
   */
  fastify.addContentTypeParser(BINARY_TYPE, refusingGently(config.BINARY_BODY_LIMIT, async (request, payload) => {
    const route = request.routeOptions.config.compute;
    if (route === undefined) return noBody(payload);
    const { def, gradient } = route;
    const declared = declaredLength(request);
    if (declared !== undefined && declared > config.BINARY_BODY_LIMIT) {
      payload.resume();
      throw new ApiError('RECTIFIER_BODY_TOO_LARGE', `the body exceeds the binary body limit of ${config.BINARY_BODY_LIMIT} bytes`);
    }
    checkQuery(request);
    const { kink: kinkText, ...query } = request.query as Record<string, string | undefined>;
    const raw = paramsFromQuery(query, def.params.properties as Record<string, TSchema>);
    // Params are checked against x's shape, and the output's shape depends on them.
    let layout: { params: ParamValues; outShape: number[] } | undefined;
    const layoutOf = (shape: number[]) => {
      if (layout === undefined) {
        const params = resolve(def, raw, shape);
        layout = { params, outShape: def.outputShape?.(shape, params as never) ?? shape };
      }
      return layout;
    };
    const plan = planBinary(request.headers, declared, {
      gradient,
      maxElements: config.BINARY_MAX_ELEMENTS,
      outputShape: (shape) => layoutOf(shape).outShape,
    });
    const { params, outShape } = layoutOf(plan.shape);
    const kink = readKink(def, kinkText, gradient);
    const lease = fastify.compute.reserve(binaryRequestBytes(plan, gradient, answerFormat(request.headers.accept) !== 'binary'));
    request.lease = lease;
    const region = lease.alloc(Math.max(...plan.lengths));
    sendContinue(request.raw);
    const body = await readBody(payload, { limit: config.BINARY_BODY_LIMIT, label: 'binary', into: lease.arena.bytesOf(region) });
    request.binaryInput = { plan, tensors: splitBinary(body, plan), params, outShape, kink };
    return body;
  }));

  /**
   * Small bodies are read on the heap and parsed on the event loop; from JSON_OFFLOAD_BYTES on
   * (~240 ms of JSON.parse for 1M numbers would stall every other caller) into an arena region,
   * parsed in a worker, and the region freed once the tensors are decoded.
   */
  fastify.addContentTypeParser('application/json', refusingGently(config.JSON_BODY_LIMIT, async (request, payload) => {
    const route = request.routeOptions.config.compute;
    if (route === undefined) return noBody(payload);
    const declared = declaredLength(request);
    const limit = config.JSON_BODY_LIMIT;
    if (declared !== undefined && declared > limit) {
      payload.resume();
      throw new ApiError('RECTIFIER_BODY_TOO_LARGE', `the body exceeds the JSON body limit of ${limit} bytes`);
    }
    const chunkedLimit = Math.min(limit, Math.max(config.JSON_OFFLOAD_BYTES, CHUNKED_JSON_BYTES));
    const maxElements = config.JSON_MAX_ELEMENTS;
    const lease = fastify.compute.reserve(jsonRequestBytes(declared ?? chunkedLimit, maxElements, route.gradient));
    request.lease = lease;
    sendContinue(request.raw);
    if (declared === undefined || declared < config.JSON_OFFLOAD_BYTES) {
      const bytes = await readBody(payload, {
        limit: declared === undefined ? chunkedLimit : limit,
        label: 'JSON',
        overLimit: () =>
          new ApiError('RECTIFIER_LENGTH_REQUIRED', `a JSON body of more than ${chunkedLimit} bytes needs a Content-Length header`),
      });
      return parseJsonBytes(bytes, maxElements);
    }
    const region = lease.alloc(declared);
    await readBody(payload, { limit, label: 'JSON', into: lease.arena.bytesOf(region) });
    const parsed = await fastify.compute.parseJson(route.def, region, maxElements, route.gradient, lease);
    lease.free(region);
    lease.shrink(parsedJsonRequestBytes(parsed.x?.data.length ?? 0, parsed.gradOutput?.data.length ?? 0, route.gradient, declared));
    request.jsonTensors = parsed;
    return parsed.body;
  }));
}
