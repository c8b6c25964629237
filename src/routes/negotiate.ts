// onRequest hooks: a 406 before any work when Accept rules out every type a route answers with.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';
import { accepts, answerFormat } from '../transport/accept.js';

export async function requireJsonAccept(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (!accepts(request.headers.accept, 'application/json')) {
    throw new ApiError(
      'RECTIFIER_NOT_ACCEPTABLE',
      `cannot answer with any type of Accept: ${request.headers.accept}; this route answers application/json`,
    );
  }
}

export async function requireComputeAccept(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (answerFormat(request.headers.accept) === undefined) {
    throw new ApiError(
      'RECTIFIER_NOT_ACCEPTABLE',
      `cannot answer with any type of Accept: ${request.headers.accept}; ` +
        'this route answers application/json or application/octet-stream',
    );
  }
}
