// The body parsers of the app: JSON (large bodies parsed in a worker) and raw binary (into shared memory).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import secureJson from 'secure-json-parse';
import type { Config } from '../config.js';
import { BINARY_TYPE } from './binary.js';
import { readBody } from './body-reader.js';
import { jsonBodyParser } from './json-body.js';

/** Replaces Fastify's parsers: text/plain is not an input of this API (415, not a schema error). */
export function registerBodyParsers(fastify: FastifyInstance, config: Config): void {
  fastify.removeContentTypeParser(['text/plain', 'application/json']);
  fastify.addContentTypeParser(BINARY_TYPE, (_request: FastifyRequest, payload: IncomingMessage) =>
    readBody(payload, { limit: config.BINARY_BODY_LIMIT, label: 'binary', shared: true }),
  );
  fastify.addContentTypeParser(
    'application/json',
    jsonBodyParser({
      limit: config.JSON_BODY_LIMIT,
      offloadBytes: config.JSON_OFFLOAD_BYTES,
      offload: (bytes) => fastify.compute.parseJson(bytes, config.JSON_MAX_ELEMENTS),
      parseSmall: (text) => secureJson.parse(text, { protoAction: 'error', constructorAction: 'ignore' }),
    }),
  );
}
