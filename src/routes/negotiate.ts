// onRequest hook for JSON-only routes: a 406 before any work when Accept rules JSON out.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';
import { accepts } from '../transport/accept.js';

export async function requireJsonAccept(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (!accepts(request.headers.accept, 'application/json')) {
    throw new ApiError(
      'RECTIFIER_NOT_ACCEPTABLE',
      `cannot answer with any type of Accept: ${request.headers.accept}; this route answers application/json`,
    );
  }
}
