// GET /health/live and GET /health/ready: the probes of orchestrators and load balancers.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';

const LiveSchema = Type.Object(
  { status: Type.Literal('ok', { description: 'Always ok: an answer at all is the signal.' }) },
  { additionalProperties: false, description: 'The process runs and its event loop answers.' },
);

const ReadinessStatusSchema = Type.Union(
  [Type.Literal('ready'), Type.Literal('draining'), Type.Literal('saturated'), Type.Literal('no_workers')],
  {
    description:
      'ready: it takes work. draining: SIGTERM received, finishing in-flight work. saturated: in-flight ' +
      'requests are at the admission limit (threads + queue), a new one would get 503. no_workers: no ' +
      'worker of the pool is alive.',
  },
);

const ReadySchema = Type.Object(
  { status: ReadinessStatusSchema },
  { additionalProperties: false, description: 'Whether this instance takes work now, and if not why.' },
);

type Readiness = Static<typeof ReadinessStatusSchema>;

function readiness(app: FastifyInstance): Readiness {
  if (app.drain.draining) return 'draining';
  const stats = app.compute.stats();
  // threads 0 is the inline-only service: no pool, nothing to wait for.
  if (stats.threads > 0 && stats.liveWorkers === 0) return 'no_workers';
  if (app.compute.saturated()) return 'saturated';
  return 'ready';
}

export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/health/live', {
    schema: {
      operationId: 'health_live',
      tags: ['operations'],
      summary: 'Liveness: the process answers',
      description:
        'Cheap and independent of load, the pool and draining: a failure means the process is stuck ' +
        'and should be restarted. Use it for liveness probes and the container HEALTHCHECK.',
      response: { 200: LiveSchema },
    },
    handler: async () => ({ status: 'ok' as const }),
  });

  app.get('/health/ready', {
    schema: {
      operationId: 'health_ready',
      tags: ['operations'],
      summary: 'Readiness: the instance takes work now',
      description:
        '200 while it accepts work; 503 while draining after SIGTERM, while no worker is alive, or while ' +
        'saturated. Use it for readiness probes and load-balancer health checks, so traffic goes elsewhere.',
      response: {
        200: { ...ReadySchema, description: 'Ready: send work.' },
        503: { ...ReadySchema, description: 'Not ready now: send work to another instance.' },
      },
    },
    handler: async (_request, reply) => {
      const status = readiness(app);
      return reply.code(status === 'ready' ? 200 : 503).send({ status });
    },
  });
};
