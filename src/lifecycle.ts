// The end of every request: one listener on the response's close records it and gives back its lease.
import type { FastifyPluginCallback, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import type { ServerResponse } from 'node:http';

const kReply = Symbol('rectifier.reply');
type TrackedResponse = ServerResponse & { [kReply]: FastifyReply };

/**
 * 'close' is the one event every response emits, answered or not. An answer not ended by then
 * had its client go away: the request counts as aborted and its work is cancelled (workers stop at
 * their next block, queued tasks leave the queue). Either way the lease is released; its memory
 * comes back once no task of the request runs. One shared listener, the reply found on the
 * response: nothing is allocated per request for it.
 */
function onClose(this: TrackedResponse): void {
  const reply = this[kReply];
  const request = reply.request;
  const metrics = request.server.metrics;
  if (this.writableEnded) metrics.recordResponse(request, reply);
  else {
    metrics.recordAbort(request);
    request.lease?.cancel();
  }
  request.lease?.release();
}

const lifecycleHooks: FastifyPluginCallback = (app, _opts, done) => {
  app.addHook('onRequest', (request, reply, next) => {
    reply.header('x-request-id', request.id);
    const res = reply.raw as TrackedResponse;
    res[kReply] = reply;
    res.on('close', onClose);
    next();
  });
  done();
};

/** Registered before the routes, so every request passes its hook. */
export const lifecyclePlugin = fp(lifecycleHooks, { name: 'lifecycle', decorators: { fastify: ['metrics'] } });
