// Optional API keys (before any body is read), a key of its own for /metrics, open probes, and the optional rate limit.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type AddressInfo } from 'node:net';
import t from 'tap';
import { apiKeys } from '../../src/auth.js';
import { testApp } from '../helpers/app.js';

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const relu = (headers: Record<string, string> = {}) => ({ method: 'POST' as const, url: '/activations/relu', payload: { x: [-1, 2] }, headers });

t.test('without API keys every route is open', async (t) => {
  const app = await testApp(t);
  t.equal((await app.inject(relu())).statusCode, 200);
  t.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 200);
});

t.test('with API_KEYS the compute, catalogue and docs routes need a valid bearer key; probes stay open', async (t) => {
  const app = await testApp(t, { API_KEYS: 'alpha-key, beta-key' });
  for (const headers of [{}, bearer('wrong'), { authorization: 'alpha-key' }, { authorization: 'Basic YWxwaGEta2V5' }]) {
    const res = await app.inject(relu(headers));
    t.equal(res.statusCode, 401, JSON.stringify(headers));
    t.match(res.json(), { statusCode: 401, code: 'RECTIFIER_UNAUTHORIZED' });
    t.equal(res.headers['www-authenticate'], 'Bearer realm="rectifier"');
    t.ok(res.headers['x-request-id'], 'the 401 has a request id');
  }
  t.equal((await app.inject(relu(bearer('alpha-key')))).statusCode, 200);
  t.equal((await app.inject(relu({ authorization: 'bearer   beta-key ' }))).statusCode, 200, 'scheme case and spaces');
  for (const url of ['/activations', '/activations/relu', '/openapi.json', '/docs/', '/nowhere']) {
    t.equal((await app.inject({ method: 'GET', url })).statusCode, 401, `${url} needs a key`);
  }
  t.equal((await app.inject({ method: 'GET', url: '/activations', headers: bearer('beta-key') })).statusCode, 200);
  for (const url of ['/health/live', '/health/ready', '/metrics']) {
    t.equal((await app.inject({ method: 'GET', url })).statusCode, 200, `${url} is open`);
  }
});

t.test('the key is checked before the body is read: a huge declared body gets its 401 at once', async (t) => {
  const app = await testApp(t, { API_KEYS: 'k' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write('POST /activations/relu HTTP/1.1\r\nhost: x\r\ncontent-type: application/octet-stream\r\nx-dtype: float64\r\ncontent-length: 100000000\r\n\r\n'),
    );
    let text = '';
    socket.on('data', (c: Buffer) => {
      text += c.toString();
      if (text.includes('}')) {
        socket.destroy();
        resolve(text);
      }
    });
    socket.on('error', reject);
  });
  t.match(answer, /^HTTP\/1.1 401[\s\S]*RECTIFIER_UNAUTHORIZED/);
  t.equal(app.compute.stats().reservedBytes, 0, 'nothing was reserved for it');
});

t.test('METRICS_API_KEY puts /metrics behind a key of its own', async (t) => {
  const app = await testApp(t, { API_KEYS: 'api', METRICS_API_KEY: 'scrape' });
  t.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401);
  t.equal((await app.inject({ method: 'GET', url: '/metrics', headers: bearer('api') })).statusCode, 401, 'an API key is not the metrics key');
  t.equal((await app.inject({ method: 'GET', url: '/metrics', headers: bearer('scrape') })).statusCode, 200);
  t.equal((await app.inject(relu(bearer('scrape')))).statusCode, 401, 'nor the other way round');
  const alone = await testApp(t, { METRICS_API_KEY: 'scrape' });
  t.equal((await alone.inject(relu())).statusCode, 200, 'a metrics key alone leaves the API open');
  t.equal((await alone.inject({ method: 'GET', url: '/metrics' })).statusCode, 401);
});

t.test('API_KEYS_FILE: one key per line, comments and blank lines skipped, merged with API_KEYS', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rectifier-keys-'));
  const file = join(dir, 'keys');
  writeFileSync(file, '# service keys\nfrom-file-1\n\n  from-file-2  # ops\n');
  t.same(apiKeys({ API_KEYS: 'env-key', API_KEYS_FILE: file }), ['env-key', 'from-file-1', 'from-file-2']);
  const app = await testApp(t, { API_KEYS_FILE: file });
  t.equal((await app.inject(relu(bearer('from-file-2')))).statusCode, 200);
  t.equal((await app.inject(relu(bearer('# service keys')))).statusCode, 401);
});

t.test('RATE_LIMIT_MAX: a client past it gets a 429 from the catalogue with Retry-After; probes are never limited', async (t) => {
  const app = await testApp(t, { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000', API_KEYS: 'one,two' });
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await app.inject(relu(bearer('one')))).statusCode);
  t.same(statuses, [200, 200, 200, 429, 429]);
  const limited = await app.inject(relu(bearer('one')));
  t.match(limited.json(), { statusCode: 429, code: 'RECTIFIER_RATE_LIMITED' });
  t.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After');
  t.equal((await app.inject(relu(bearer('two')))).statusCode, 200, 'each key has its own count');
  for (let i = 0; i < 5; i++) t.equal((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 200);
});
