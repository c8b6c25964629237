// The application as a Fastify plugin, and the instance options it needs; tests use buildApp + inject.
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from './config.js';
import rateLimit from '@fastify/rate-limit';
import { authPlugin, bearerToken } from './auth.js';
import { clientErrorHandler, errorHandler, sendError } from './error-handler.js';
import { ApiError } from './errors.js';
import { lifecyclePlugin } from './lifecycle.js';
import { requestId } from './request-id.js';
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
    // X-Request-Id is taken only when it is a sane token (request-id.ts).
    requestIdHeader: false,
    genReqId: requestId,
    clientErrorHandler,
    // A URL Fastify cannot decode (`%`, `%c0%af`) is answered before any route: from the catalogue too.
    frameworkErrors: (error, request, reply) => sendError(reply.header('x-request-id', request.id), 'RECTIFIER_BAD_REQUEST', error.message),
    ajv: {
      customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false, verbose: true },
    },
  };
}

export const app = fp<AppOptions>(async (fastify, { config }) => {
  fastify.setErrorHandler(errorHandler);
  fastify.setNotFoundHandler((request, reply) =>
    sendError(reply, 'RECTIFIER_NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`),
  );
  for (const schema of [TensorSchema, ShapeSchema, ErrorSchema, CatalogueEntrySchema]) fastify.addSchema(schema);
  await fastify.register(swagger, swaggerOptions);
  await fastify.register(computePlugin, { config });
  registerBodyParsers(fastify, config);
  await fastify.register(drainPlugin);
  await fastify.register(metricsPlugin);
  await fastify.register(lifecyclePlugin);
  // After the lifecycle (so a 401 carries its request id and is counted), before any body is read.
  await fastify.register(authPlugin, { config });
  if (config.RATE_LIMIT_MAX > 0) {
    await fastify.register(rateLimit, {
      max: config.RATE_LIMIT_MAX,
      timeWindow: config.RATE_LIMIT_WINDOW_MS,
      // The probes and the metrics scrape are never limited.
      allowList: (request) => request.url.startsWith('/health/') || request.url === '/metrics',
      keyGenerator: (request) => bearerToken(request) ?? request.ip,
      errorResponseBuilder: (_request, context) =>
        new ApiError(
          'RECTIFIER_RATE_LIMITED',
          `more than ${context.max} requests in ${context.after}; retry after the Retry-After delay`,
        ),
    });
  }
  await fastify.register(healthRoutes);
  await fastify.register(metricsRoutes);

  const limits = { jsonMaxElements: config.JSON_MAX_ELEMENTS, offloadBytes: config.JSON_OFFLOAD_BYTES };
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
