// README.md is the front door: its function table and configuration table match the code.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { ConfigSchema } from '../src/config.js';
import { registry } from '../src/core/registry.js';
import { catalogueTable, TABLE_BEGIN, TABLE_END } from '../scripts/catalogue-table.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

t.test('the function table is the one generated from the registry (npm run readme:table)', async (t) => {
  const start = readme.indexOf(TABLE_BEGIN);
  const end = readme.indexOf(TABLE_END);
  t.ok(start >= 0 && end > start, 'README has the table markers');
  t.equal(readme.slice(start, end + TABLE_END.length), catalogueTable(registry.all()));
});

t.test('the configuration table lists every variable of the schema with its default', async (t) => {
  const section = readme.slice(readme.indexOf('<!-- config-table:begin -->'), readme.indexOf('<!-- config-table:end -->'));
  const rows = new Map(
    [...section.matchAll(/^\| `([A-Z_]+)` \| `([^`]*)` \|/gm)].map((m) => [m[1], m[2]]),
  );
  const properties = ConfigSchema.properties as Record<string, { default?: unknown }>;
  t.same([...rows.keys()].sort(), Object.keys(properties).sort(), 'same variables');
  for (const [name, schema] of Object.entries(properties)) {
    t.equal(rows.get(name), String(schema.default), `${name} default`);
  }
});
