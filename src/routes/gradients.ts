// POST /gradients/{name}: vector-Jacobian products and learnable-parameter gradients, one route each.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Kink, ParamValues } from '../core/definition.js';
import { registry } from '../core/registry.js';
import { ones } from '../core/tensor.js';
import { ApiError } from '../errors.js';
import { gradientBodySchema, gradientResponseSchema } from '../schemas/activation.js';
import { errorResponses } from '../schemas/common.js';
import { decodeTensor, encodeParamGrads, encodeTensor } from '../transport/json.js';
import type { ComputeRouteOptions } from './activations.js';
import { computeInput } from './compute-input.js';
import { unknownFunction } from './unknown-function.js';

interface GradientBody {
  x: unknown;
  grad_output?: unknown;
  params?: ParamValues;
  kink?: Kink;
}

const ERRORS = errorResponses(400, 404, 406, 413, 415, 422, 500);

export const gradientRoutes: FastifyPluginAsync<ComputeRouteOptions> = async (app, opts) => {
  for (const def of registry.all()) {
    const learnable = def.learnable.length > 0 ? ` Gradients for ${def.learnable.join(', ')} in grad_params.` : '';
    app.post(`/gradients/${def.name}`, {
      schema: {
        operationId: `gradient_${def.name}`,
        tags: ['gradients'],
        summary: `${def.name}: vector-Jacobian product`,
        description: `d(loss)/dx for $${def.formula}$ given d(loss)/dy.${learnable}`,
        body: gradientBodySchema(def),
        response: { 200: gradientResponseSchema(def), ...ERRORS },
      },
      handler: async (request, reply) => {
        const body = request.body as GradientBody;
        const { x, params } = computeInput(def, body, opts.maxElements);
        const outShape = def.outputShape?.(x.shape, params as never) ?? x.shape;
        const gradOutput = body.grad_output === undefined ? ones(outShape) : decodeTensor(body.grad_output, 'grad_output', opts.maxElements);
        if (!sameShape(gradOutput.shape, outShape)) {
          throw new ApiError(
            'RECTIFIER_SHAPE_MISMATCH',
            `grad_output has shape [${gradOutput.shape.join(', ')}] but the output of ${def.name} has shape [${outShape.join(', ')}]`,
          );
        }
        const kink = body.kink ?? 'torch';
        const { gradInput, gradParams } = def.backward(x, gradOutput, params as never, kink);
        const answer: Record<string, unknown> = {
          name: def.name,
          shape: gradInput.shape,
          grad_input: encodeTensor(gradInput, 'grad_input'),
          grad_params: encodeParamGrads(gradParams),
          params,
        };
        if (def.hasKink) answer.kink = kink;
        return reply.type('application/json; charset=utf-8').send(JSON.stringify(answer));
      },
    });
  }

  app.post('/gradients/:name', {
    schema: { hide: true, params: Type.Object({ name: Type.String() }) },
    handler: async (request) => unknownFunction((request.params as { name: string }).name),
  });
};

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
