// Configuration: defaults, conversion of environment strings, and errors naming the variable.
import t from 'tap';
import { loadConfig } from '../src/config.js';

t.test('defaults', async (t) => {
  t.match(loadConfig({}), { PORT: 3000, HOST: '0.0.0.0', LOG_LEVEL: 'info', JSON_MAX_ELEMENTS: 1_048_576, JSON_BODY_LIMIT: 32 * 1024 * 1024 });
});

t.test('environment strings are converted', async (t) => {
  t.match(loadConfig({ PORT: '8080', LOG_LEVEL: 'warn' }), { PORT: 8080, LOG_LEVEL: 'warn' });
});

t.test('a bad value is an error naming the variable', async (t) => {
  t.throws(() => loadConfig({ PORT: 'eighty' }), /PORT="eighty"/);
  t.throws(() => loadConfig({ PORT: '70000' }), /PORT/);
  t.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL/);
});
