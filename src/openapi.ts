// @fastify/swagger options: the OpenAPI document is generated from the route schemas.
import type { SwaggerOptions } from '@fastify/swagger';
import { ERROR_CATALOGUE, ERROR_CODES } from './errors.js';

const errorTable = ERROR_CODES.map((c) => `| ${c} | ${ERROR_CATALOGUE[c].statusCode} | ${ERROR_CATALOGUE[c].description} |`).join('\n');

export const swaggerOptions: SwaggerOptions = {
  openapi: {
    openapi: '3.1.0',
    info: {
      title: 'rectifier',
      version: '0.1.0',
      description:
        'Neural-network activation functions and their gradients over HTTP, exact to the last bit ' +
        '(float64, checked against 50-digit references).\n\n' +
        'Every error answers `{ statusCode, code, error, message }` with one of these codes:\n\n' +
        `| code | status | meaning |\n|---|---|---|\n${errorTable}\n`,
    },
    tags: [
      { name: 'activations', description: 'Forward pass: y = f(x)' },
      { name: 'gradients', description: 'Vector-Jacobian products and parameter gradients' },
      { name: 'catalogue', description: 'What each function computes and takes' },
      { name: 'operations', description: 'Health probes and Prometheus metrics, for orchestrators and monitoring' },
    ],
  },
  refResolver: {
    buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
  },
};
