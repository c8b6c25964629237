// GET /activations and GET /activations/{name}: what each function computes and takes.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { ActivationDefinition } from '../core/definition.js';
import { registry } from '../core/registry.js';
import { CatalogueEntrySchema, CatalogueSchema, type CatalogueEntry } from '../schemas/catalogue.js';
import { errorResponses } from '../schemas/common.js';
import { unknownFunction } from './unknown-function.js';

function entry(def: ActivationDefinition): CatalogueEntry {
  const { monotonic, smooth, bounded, zeroCentred, range } = def.properties;
  return {
    name: def.name,
    summary: def.summary,
    formula: def.formula,
    kind: def.kind,
    params: JSON.parse(JSON.stringify(def.params)),
    learnable: [...def.learnable],
    kink: def.hasKink,
    properties: { monotonic, smooth, bounded, zero_centred: zeroCentred, range },
    routes: { forward: `/activations/${def.name}`, gradient: `/gradients/${def.name}` },
  };
}

export const catalogueRoutes: FastifyPluginAsync = async (app) => {
  const entries = registry.all().map(entry);
  const listing = JSON.stringify({ functions: entries });
  const byName = new Map(entries.map((e) => [e.name, JSON.stringify(e)]));

  app.get('/activations', {
    schema: {
      operationId: 'listActivations',
      tags: ['catalogue'],
      summary: 'Every function with its formula, parameters, learnable parameters and properties',
      response: { 200: CatalogueSchema, ...errorResponses(406, 500) },
    },
    handler: async (_request, reply) => reply.type('application/json; charset=utf-8').send(listing),
  });

  app.get('/activations/:name', {
    schema: {
      operationId: 'getActivation',
      tags: ['catalogue'],
      summary: 'One function of the catalogue',
      params: Type.Object({ name: Type.String({ description: 'Function name, e.g. leaky_relu' }) }),
      response: { 200: Type.Ref(CatalogueEntrySchema), ...errorResponses(404, 406, 500) },
    },
    handler: async (request, reply) => {
      const { name } = request.params as { name: string };
      const body = byName.get(name);
      if (body === undefined) return unknownFunction(name);
      return reply.type('application/json; charset=utf-8').send(body);
    },
  });
};
