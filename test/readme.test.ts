// README.md is the front door: its generated tables (functions, configuration, errors) match the code.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { README_TABLES, withTables } from '../scripts/readme-tables.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

t.test('every generated table is the one the code gives (npm run readme:table)', async (t) => {
  for (const table of README_TABLES) {
    const start = readme.indexOf(table.begin);
    const end = readme.indexOf(table.end);
    t.ok(start >= 0 && end > start, `README has the ${table.name} markers`);
    t.equal(readme.slice(start + table.begin.length + 1, end - 1), table.text(), `${table.name} is up to date`);
  }
  t.equal(withTables(readme), readme, 'rewriting changes nothing');
});
