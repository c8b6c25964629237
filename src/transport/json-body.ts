// The JSON body parser: small bodies parsed on the event loop, large ones in a worker thread.
import type { FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../errors.js';
import { readBody } from './body-reader.js';
import type { ParsedJsonBody } from './json-offload.js';

export interface JsonBodyOptions {
  limit: number;
  /** Bodies of at least this many bytes go to `offload`. */
  offloadBytes: number;
  /** Parses and decodes a large body off the event loop (the compute service's worker). */
  offload: (bytes: Buffer) => Promise<ParsedJsonBody>;
  /** Fastify's own JSON parser (secure against __proto__ keys) for the small bodies. */
  parseSmall: (text: string) => unknown;
}

/** Tensors decoded while parsing, by request: the route takes them instead of walking x again. */
const decoded = new WeakMap<IncomingMessage, ParsedJsonBody>();

export function takeDecodedTensors(request: FastifyRequest): ParsedJsonBody | undefined {
  const parsed = decoded.get(request.raw);
  decoded.delete(request.raw);
  return parsed;
}

export function jsonBodyParser(options: JsonBodyOptions) {
  const { limit, offloadBytes } = options;
  const large = (length: number | undefined) => length !== undefined && length >= offloadBytes;
  return async (request: FastifyRequest, payload: IncomingMessage): Promise<unknown> => {
    const bytes = await readBody(payload, { limit, label: 'JSON', shared: large });
    if (bytes.length === 0) throw new ApiError('RECTIFIER_INVALID_JSON', 'the body is empty; send a JSON object');
    if (bytes.length < offloadBytes) {
      try {
        return options.parseSmall(bytes.toString('utf8'));
      } catch (err) {
        throw new ApiError('RECTIFIER_INVALID_JSON', `the body is not valid JSON: ${(err as Error).message}`);
      }
    }
    // ~240 ms of JSON.parse for 1M numbers would stall every other caller: a worker does it.
    const parsed = await options.offload(bytes);
    decoded.set(request.raw, parsed);
    return parsed.body;
  };
}
