// An AbortSignal that fires when the client goes away before its answer is written.
import type { FastifyReply } from 'fastify';

/**
 * request.signal fires on every normal POST with a body in current Fastify (DESIGN §5), so the
 * client's disconnect is read from the response socket: closed before the answer ended.
 */
export function abortOnClientClose(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const res = reply.raw;
  const onClose = () => {
    if (!res.writableEnded) controller.abort(new Error('client closed the connection'));
  };
  res.once('close', onClose);
  return controller.signal;
}
