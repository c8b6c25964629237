// onRequest hooks: a 406 before any work when Accept rules out every type a route answers with.
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { ApiError } from '../errors.js';
import { accepts, answerFormat } from '../transport/accept.js';

export function requireJsonAccept(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  if (accepts(request.headers.accept, 'application/json')) return done();
  done(
    new ApiError(
      'RECTIFIER_NOT_ACCEPTABLE',
      `cannot answer with any type of Accept: ${request.headers.accept}; this route answers application/json`,
    ),
  );
}

export function requireComputeAccept(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  if (answerFormat(request.headers.accept) !== undefined) return done();
  done(
    new ApiError(
      'RECTIFIER_NOT_ACCEPTABLE',
      `cannot answer with any type of Accept: ${request.headers.accept}; ` +
        'this route answers application/json or application/octet-stream',
    ),
  );
}
