// GET /health/live and GET /health/ready: the probes of orchestrators and load balancers.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { LIVENESS, READINESS } from '../probes/board.js';
import { liveness, readiness } from '../probes/state.js';

const LiveSchema = Type.Object(
  {
    status: Type.Union(LIVENESS.map((s) => Type.Literal(s)), {
      description:
        'ok: the process answers and its pool makes progress. stuck: a pool task has run far past its deadline, or no ' +
        'worker has been alive, for three times TASK_TIMEOUT_MS plus a second, or (on HEALTH_PORT) the event loop has ' +
        'not turned for 30 s: replacing workers did not help, restart.',
    }),
  },
  { additionalProperties: false, description: 'Whether the process can still recover by itself.' },
);

const ReadinessStatusSchema = Type.Union(
  READINESS.map((s) => Type.Literal(s)),
  {
    description:
      'ready: it takes work. draining: SIGTERM received, finishing in-flight work. saturated: the compute slots ' +
      '(threads + queue) or the memory budget are taken, a new request would get 503. no_workers: no worker of the ' +
      'pool is alive. stalled: a task runs past TASK_TIMEOUT_MS (its worker is being stopped or replaced), or (on ' +
      'HEALTH_PORT) the event loop has not turned for a second.',
  },
);

const ReadySchema = Type.Object(
  { status: ReadinessStatusSchema },
  { additionalProperties: false, description: 'Whether this instance takes work now, and if not why.' },
);

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
      const status = liveness(app);
      return reply.code(status === 'ok' ? 200 : 503).send({ status });
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
