// POST /activations/{name}: the forward pass of every catalogue function, one route each.
import type { FastifyPluginAsync } from 'fastify';
import type { ParamValues } from '../core/definition.js';
import { registry } from '../core/registry.js';
import { errorResponses } from '../schemas/common.js';
import { forwardBodySchema, forwardResponseSchema } from '../schemas/activation.js';
import { encodeTensor } from '../transport/json.js';
import { computeInput } from './compute-input.js';
import { unknownFunction } from './unknown-function.js';
import { Type } from '@sinclair/typebox';

export interface ComputeRouteOptions {
  maxElements: number;
}

const ERRORS = errorResponses(400, 404, 406, 413, 415, 422, 500);

export const activationRoutes: FastifyPluginAsync<ComputeRouteOptions> = async (app, opts) => {
  for (const def of registry.all()) {
    app.post(`/activations/${def.name}`, {
      schema: {
        operationId: `forward_${def.name}`,
        tags: ['activations'],
        summary: `${def.name}: ${def.summary}`,
        description: `Computes $${def.formula}$ elementwise or along an axis as the catalogue says, on a batch.`,
        body: forwardBodySchema(def),
        response: { 200: forwardResponseSchema(def), ...ERRORS },
      },
      handler: async (request, reply) => {
        const { x, params } = computeInput(def, request.body as { x: unknown; params?: ParamValues }, opts.maxElements);
        const y = def.forward(x, params as never);
        const body = { name: def.name, shape: y.shape, y: encodeTensor(y, 'y'), params };
        return reply.type('application/json; charset=utf-8').send(JSON.stringify(body));
      },
    });
  }

  app.post('/activations/:name', {
    schema: {
      hide: true,
      params: Type.Object({ name: Type.String() }),
    },
    handler: async (request) => unknownFunction((request.params as { name: string }).name),
  });
};
