// The static files of /docs: every traversal attempt is a 4xx from the catalogue, logged at info, never a 500.
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

const ATTEMPTS = [
  '/docs/static/../x',
  '/docs/static/..%2fx',
  '/docs/static/%2e%2e/x',
  '/docs/static/%2e%2e%2fx',
  '/docs/static/..%5cx',
  '/docs/static/%5c..%5cx',
  '/docs/static/....//x',
  '/docs/static/.%2e/x',
  '/docs/static/%252e%252e/x',
  '/docs/static/..;/x',
  '/docs/static/%2e%2e%5cx',
  '/docs/static/..\\x',
  '/docs/static//etc/passwd',
  '/docs/static/%00',
  '/docs/static/..%00/x',
  '/docs/static/.git',
  '/docs/static/%2fetc%2fpasswd',
  '/docs/static/..%c0%af',
  '/docs/static/index.html%00.js',
  '/docs/static/%',
  '/docs/static/../../../../etc/passwd',
];

t.test('traversal attempts get a 4xx with a catalogue code and a request id; no 5xx is logged', async (t) => {
  const lines: Array<{ level: number; msg: string }> = [];
  const stream = { write: (line: string) => lines.push(JSON.parse(line)) };
  const app = await buildApp(loadConfig({ POOL_THREADS: '1' }), { logger: { level: 'info', stream } });
  t.teardown(() => app.close());
  for (const url of ATTEMPTS) {
    const res = await app.inject({ method: 'GET', url });
    t.ok(res.statusCode >= 400 && res.statusCode < 500, `${url}: ${res.statusCode}`);
    t.match(res.json(), { statusCode: res.statusCode, code: /^RECTIFIER_(NOT_FOUND|FORBIDDEN|BAD_REQUEST)$/ }, url);
    t.ok(res.headers['x-request-id'], `${url}: x-request-id`);
    t.notMatch(res.body, /root:/, `${url}: nothing of /etc/passwd`);
  }
  t.same(lines.filter((l) => l.level >= 50), [], 'nothing logged at error');
  const css = await app.inject({ method: 'GET', url: '/docs/static/swagger-ui.css' });
  t.equal(css.statusCode, 200, 'the real files are served');
});
