// GET /metrics: the app's Prometheus registry in the text exposition format.
import type { FastifyPluginAsync } from 'fastify';

export const metricsRoutes: FastifyPluginAsync = async (app) => {
  app.get('/metrics', {
    schema: {
      operationId: 'metrics',
      tags: ['operations'],
      summary: 'Prometheus metrics',
      description:
        'Request durations by route, function and status; elements processed; pool queue depth, busy and ' +
        'live workers, task wait and run times; 503 rejections, aborted requests and tasks, worker exits; ' +
        'draining; event-loop delay and the default Node.js process metrics. Scrape it every 15 s or so.',
      response: {
        200: {
          description: 'Prometheus text exposition format 0.0.4.',
          content: { 'text/plain; version=0.0.4': { schema: { type: 'string' } } },
        },
      },
    },
    handler: async (_request, reply) => {
      const { registry } = app.metrics;
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  });
};
