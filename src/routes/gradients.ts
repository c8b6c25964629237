// POST /gradients/{name}: vector-Jacobian products and learnable-parameter gradients, one route each.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { registry } from '../core/registry.js';
import { sizeOf } from '../core/tensor.js';
import { ApiError } from '../errors.js';
import { binaryBodySchema, binaryQuerySchema, gradientBodySchema, gradientResponseSchema } from '../schemas/activation.js';
import { errorResponses } from '../schemas/common.js';
import { sendGradient } from './compute-answer.js';
import { readComputeRequest, type ComputeLimits } from './compute-request.js';
import { unknownFunction } from './unknown-function.js';

const ERRORS = errorResponses(400, 401, 404, 406, 411, 413, 415, 422, 429, 500, 503);

export const gradientRoutes: FastifyPluginAsync<ComputeLimits> = async (app, limits) => {
  const encoding = { compute: app.compute, offloadBytes: limits.offloadBytes };
  for (const def of registry.all()) {
    const learnable = def.learnable.length > 0 ? ` Gradients for ${def.learnable.join(', ')} in grad_params.` : '';
    app.post(`/gradients/${def.name}`, {
      config: { compute: { def, gradient: true } },
      schema: {
        operationId: `gradient_${def.name}`,
        tags: ['gradients'],
        summary: `${def.name}: vector-Jacobian product`,
        description:
          `d(loss)/dx for $${def.formula}$ given d(loss)/dy.${learnable} Binary answers carry grad_params ` +
          'in the X-Grad-Params header (JSON; non-finite values as strings).',
        querystring: binaryQuerySchema(def, true),
        body: {
          content: {
            'application/json': { schema: gradientBodySchema(def) },
            'application/octet-stream': { schema: binaryBodySchema(true) },
          },
        },
        response: { 200: gradientResponseSchema(def), ...ERRORS },
      },
      handler: async (request, reply) => {
        const req = readComputeRequest(def, request, limits);
        const outShape = def.outputShape?.(req.x.shape, req.params as never) ?? req.x.shape;
        // Absent: all ones in x's element type, so grad_input is the plain derivative.
        const gradOutput = req.gradOutput ?? { data: app.compute.array(req.x.data, sizeOf(outShape), request.lease ?? undefined).fill(1), shape: outShape };
        if (!sameShape(gradOutput.shape, outShape)) {
          throw new ApiError(
            'RECTIFIER_SHAPE_MISMATCH',
            `grad_output has shape [${gradOutput.shape.join(', ')}] but the output of ${def.name} has shape [${outShape.join(', ')}]`,
          );
        }
        const grad = await app.compute.backward(def, req.x, gradOutput, req.params, req.kink, request.lease ?? undefined);
        return sendGradient(reply, def, req, grad, encoding);
      },
    });
  }

  // Answered before any body is read.
  app.post('/gradients/:name', {
    schema: { hide: true, params: Type.Object({ name: Type.String() }) },
    onRequest: async (request) => unknownFunction((request.params as { name: string }).name),
    handler: async () => undefined,
  });
};

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
