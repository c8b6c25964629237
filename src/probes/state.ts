// Readiness and liveness of the app, from its drain state and its compute service (main thread).
import type { FastifyInstance } from 'fastify';
import type { Liveness, Readiness } from './board.js';

export function readiness(app: FastifyInstance): Readiness {
  if (app.drain.draining) return 'draining';
  const health = app.compute.health();
  if (health.noWorkers) return 'no_workers';
  if (health.stalled) return 'stalled';
  if (app.compute.saturated()) return 'saturated';
  return 'ready';
}

export function liveness(app: FastifyInstance): Liveness {
  return app.compute.health().stuck ? 'stuck' : 'ok';
}
