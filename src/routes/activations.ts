// POST /activations/{name}: the forward pass of every catalogue function, one route each.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { registry } from '../core/registry.js';
import { binaryBodySchema, binaryQuerySchema, forwardBodySchema, forwardResponseSchema } from '../schemas/activation.js';
import { errorResponses } from '../schemas/common.js';
import { sendForward } from './compute-answer.js';
import { readComputeRequest, type ComputeLimits } from './compute-request.js';
import { unknownFunction } from './unknown-function.js';

const ERRORS = errorResponses(400, 401, 404, 406, 411, 413, 415, 422, 429, 500, 503);

export const activationRoutes: FastifyPluginAsync<ComputeLimits> = async (app, limits) => {
  const encoding = { compute: app.compute, offloadBytes: limits.offloadBytes };
  for (const def of registry.all()) {
    app.post(`/activations/${def.name}`, {
      config: { compute: { def, gradient: false } },
      schema: {
        operationId: `forward_${def.name}`,
        tags: ['activations'],
        summary: `${def.name}: ${def.summary}`,
        description:
          `Computes $${def.formula}$ (${def.kind}) on a batch. JSON in and out by default; ` +
          'binary bodies with Content-Type: application/octet-stream, binary answers with Accept: application/octet-stream.',
        querystring: binaryQuerySchema(def, false),
        body: {
          content: {
            'application/json': { schema: forwardBodySchema(def) },
            'application/octet-stream': { schema: binaryBodySchema(false) },
          },
        },
        response: { 200: forwardResponseSchema(def), ...ERRORS },
      },
      handler: async (request, reply) => {
        const req = readComputeRequest(def, request, limits);
        const y = await app.compute.forward(def, req.x, req.params, request.lease ?? undefined);
        return sendForward(reply, def, req, y, encoding);
      },
    });
  }

  // Answered before any body is read.
  app.post('/activations/:name', {
    schema: { hide: true, params: Type.Object({ name: Type.String() }) },
    onRequest: async (request) => unknownFunction((request.params as { name: string }).name),
    handler: async () => undefined,
  });
};
