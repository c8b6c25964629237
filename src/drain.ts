// The draining state: begun once on SIGTERM, it fails readiness and closes every connection it answers.
import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';

export class Drain {
  #draining = false;

  /** True from the first shutdown signal on; never reset. */
  get draining(): boolean {
    return this.#draining;
  }

  begin(): void {
    this.#draining = true;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    drain: Drain;
  }
}

const drainHooks: FastifyPluginCallback = (app, _opts, done) => {
  const drain = new Drain();
  app.decorate('drain', drain);
  // A keep-alive client told `Connection: close` opens a new connection for its next request, which
  // the closed listener refuses at once (so a load balancer retries elsewhere) instead of sending it
  // on a socket the server is about to close, where it would be lost.
  app.addHook('onSend', (_request, reply, payload, next) => {
    if (drain.draining) reply.header('connection', 'close');
    next(null, payload);
  });
  done();
};

/** Decorates the app with `drain` (registered before the routes, so every answer passes its hook). */
export const drainPlugin = fp(drainHooks, { name: 'drain' });
