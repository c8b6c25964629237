// The application as a Fastify plugin, and the instance options it needs; tests use buildApp + inject.
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from './config.js';
import { errorHandler, sendError } from './error-handler.js';
import { swaggerOptions } from './openapi.js';
import { activationRoutes } from './routes/activations.js';
import { catalogueRoutes } from './routes/catalogue.js';
import { computePlugin } from './pool/plugin.js';
import { drainPlugin } from './drain.js';
import { metricsPlugin } from './metrics.js';
import { timeoutOptions } from './timeouts.js';
import { docsRoutes } from './routes/docs.js';
import { gradientRoutes } from './routes/gradients.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { requireComputeAccept, requireJsonAccept } from './routes/negotiate.js';
import { CatalogueEntrySchema } from './schemas/catalogue.js';
import { ErrorSchema, ShapeSchema, TensorSchema } from './schemas/common.js';
import { registerBodyParsers } from './transport/body-parsers.js';

export interface AppOptions {
  config: Config;
}

/** Options of the Fastify instance: strict Ajv (no coercion, no silent removal), limits, request ids. */
export function serverOptions(config: Config): FastifyServerOptions {
  return {
    logger: { level: config.LOG_LEVEL },
    bodyLimit: config.JSON_BODY_LIMIT,
    ...timeoutOptions(config),
    requestIdHeader: 'x-request-id',
    ajv: {
      customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false, verbose: true },
    },
  };
}

export const app = fp<AppOptions>(async (fastify, { config }) => {
  registerBodyParsers(fastify, config);
  fastify.setErrorHandler(errorHandler);
  fastify.setNotFoundHandler((request, reply) =>
    sendError(reply, 'RECTIFIER_NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`),
  );
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  for (const schema of [TensorSchema, ShapeSchema, ErrorSchema, CatalogueEntrySchema]) fastify.addSchema(schema);
  await fastify.register(swagger, swaggerOptions);
  await fastify.register(computePlugin, { config });
  await fastify.register(drainPlugin);
  await fastify.register(metricsPlugin);
  await fastify.register(healthRoutes);
  await fastify.register(metricsRoutes);

  const limits = {
    jsonMaxElements: config.JSON_MAX_ELEMENTS,
    binaryMaxElements: config.BINARY_MAX_ELEMENTS,
    offloadBytes: config.JSON_OFFLOAD_BYTES,
  };
  await fastify.register(async (api) => {
    api.addHook('onRequest', requireJsonAccept);
    await api.register(catalogueRoutes);
  });
  await fastify.register(async (api) => {
    api.addHook('onRequest', requireComputeAccept);
    await api.register(activationRoutes, limits);
    await api.register(gradientRoutes, limits);
  });
  await fastify.register(docsRoutes);
});

/** A ready instance with the app registered: what the server listens with and what tests inject into. */
export async function buildApp(config: Config, overrides: FastifyServerOptions = {}): Promise<FastifyInstance> {
  const fastify = Fastify({ ...serverOptions(config), ...overrides });
  await fastify.register(app, { config });
  await fastify.ready();
  return fastify;
}
