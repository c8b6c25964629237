// The error catalogue: codes well formed, statuses sane, each documented in README and OpenAPI.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { ApiError, ERROR_CATALOGUE, ERROR_CODES } from '../src/errors.js';

t.test('every code has the one prefix, an error status and a description', async (t) => {
  for (const code of ERROR_CODES) {
    t.match(code, /^RECTIFIER_[A-Z_]+$/);
    const { statusCode, description } = ERROR_CATALOGUE[code];
    t.ok(statusCode >= 400 && statusCode < 600, `${code} status`);
    t.ok(description.length > 10, `${code} description`);
  }
});

t.test('ApiError takes its status from the catalogue', async (t) => {
  const e = new ApiError('RECTIFIER_SHAPE_MISMATCH', 'bad');
  t.equal(e.statusCode, 400);
  t.equal(e.code, 'RECTIFIER_SHAPE_MISMATCH');
});

t.test('README documents every code', async (t) => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  for (const code of ERROR_CODES) t.match(readme, code, `${code} in README`);
});
