// openapi.yaml: committed, equal to what the app serves, valid, and describing every route and error.
import SwaggerParser from '@apidevtools/swagger-parser';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { parse } from 'yaml';
import { registry } from '../src/core/registry.js';
import { ERROR_CODES } from '../src/errors.js';
import { testApp } from './helpers/app.js';

const committed = readFileSync(new URL('../openapi.yaml', import.meta.url), 'utf8');

t.test('the committed openapi.yaml equals the served document (run `npm run openapi` after a change)', async (t) => {
  const app = await testApp(t);
  const yaml = await app.inject({ method: 'GET', url: '/openapi.yaml' });
  t.equal(yaml.statusCode, 200);
  t.ok(yaml.body === committed, 'openapi.yaml is out of date: run `npm run openapi`');
  const json = await app.inject({ method: 'GET', url: '/openapi.json' });
  t.same(json.json(), parse(committed), '/openapi.json is the same document');
  const docs = await app.inject({ method: 'GET', url: '/docs/' });
  t.equal(docs.statusCode, 200, 'interactive docs are served');
});

t.test('openapi.yaml is a valid OpenAPI document', async (t) => {
  const api = (await SwaggerParser.validate(parse(committed))) as { openapi?: string };
  t.equal(api.openapi, '3.1.0');
});

t.test('it describes every function route, params schema and error code', async (t) => {
  const doc = parse(committed);
  for (const def of registry.all()) {
    for (const route of [`/activations/${def.name}`, `/gradients/${def.name}`]) {
      const op = doc.paths[route]?.post;
      t.ok(op, `${route} is documented`);
      const body = op?.requestBody?.content?.['application/json']?.schema;
      const params = body?.properties?.params;
      t.same(Object.keys(params?.properties ?? {}).sort(), Object.keys(def.params.properties).sort(), `${route} params`);
      for (const status of ['200', '400', '404', '413', '415', '422', '500']) t.ok(op?.responses?.[status], `${route} ${status}`);
    }
  }
  for (const code of ERROR_CODES) t.match(committed, code, `${code} is documented`);
});
