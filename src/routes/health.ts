// GET /health/live and GET /health/ready: the probes of orchestrators and load balancers.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';

const LiveSchema = Type.Object(
  {
    status: Type.Union([Type.Literal('ok'), Type.Literal('stuck')], {
      description:
        'ok: the process answers and its pool makes progress. stuck: a pool task has run far past its deadline, or no ' +
        'worker has been alive, for three times TASK_TIMEOUT_MS plus a second: replacing workers did not help, restart.',
    }),
  },
  { additionalProperties: false, description: 'Whether the process can still recover by itself.' },
);

const ReadinessStatusSchema = Type.Union(
  [Type.Literal('ready'), Type.Literal('draining'), Type.Literal('saturated'), Type.Literal('no_workers'), Type.Literal('stalled')],
  {
    description:
      'ready: it takes work. draining: SIGTERM received, finishing in-flight work. saturated: the compute slots ' +
      '(threads + queue) or the memory budget are taken, a new request would get 503. no_workers: no worker of the ' +
      'pool is alive. stalled: a task runs past TASK_TIMEOUT_MS (its worker is being stopped or replaced).',
  },
);

const ReadySchema = Type.Object(
  { status: ReadinessStatusSchema },
  { additionalProperties: false, description: 'Whether this instance takes work now, and if not why.' },
);

type Readiness = Static<typeof ReadinessStatusSchema>;

function readiness(app: FastifyInstance): Readiness {
  if (app.drain.draining) return 'draining';
  const health = app.compute.health();
  if (health.noWorkers) return 'no_workers';
  if (health.stalled) return 'stalled';
  if (app.compute.saturated()) return 'saturated';
  return 'ready';
}

export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/health/live', {
    schema: {
      operationId: 'health_live',
      tags: ['operations'],
      summary: 'Liveness: the process answers and can recover',
      description:
        'Cheap and independent of load and draining: 503 only when the pool has made no progress for far longer than ' +
        'replacing a worker takes, so the process should be restarted. Use it for liveness probes and the container ' +
        'HEALTHCHECK; serve it on HEALTH_PORT so that it never waits behind a burst of connections.',
      response: {
        200: { ...LiveSchema, description: 'Alive.' },
        503: { ...LiveSchema, description: 'Stuck: restart the process.' },
      },
    },
    handler: async (_request, reply) => {
      const stuck = app.compute.health().stuck;
      return reply.code(stuck ? 503 : 200).send({ status: stuck ? 'stuck' : 'ok' });
    },
  });

  app.get('/health/ready', {
    schema: {
      operationId: 'health_ready',
      tags: ['operations'],
      summary: 'Readiness: the instance takes work now',
      description:
        '200 while it accepts work; 503 while draining after SIGTERM, while no worker is alive, while a task runs past ' +
        'its deadline, or while saturated. Use it for readiness probes and load-balancer health checks, so traffic goes elsewhere.',
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
