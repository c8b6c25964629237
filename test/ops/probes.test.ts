// Probes on HEALTH_PORT (a thread of their own) answer during a burst on the main port (their latency: bench/hostile.ts).
import t from 'tap';
import { send } from '../helpers/http.js';
import { freePort, startServer } from '../helpers/server-process.js';

const body = Buffer.from(Float32Array.from({ length: 1 << 20 }, (_, i) => Math.sin(i) * 6).buffer);

t.test('during a burst of hundreds of connections, probes on HEALTH_PORT keep answering', async (t) => {
  const healthPort = await freePort();
  const server = await startServer(t, { POOL_THREADS: '2', POOL_QUEUE: '16', HEALTH_PORT: String(healthPort), LOG_LEVEL: 'warn' });
  let burstDone = false;
  const burst = Promise.all(
    Array.from({ length: 300 }, () =>
      send({ port: server.port, path: '/activations/gelu', discard: true, headers: { 'content-type': 'application/octet-stream', 'x-dtype': 'float32', accept: 'application/octet-stream' }, body }).then(
        (a) => a.status,
        (e: Error) => e.message,
      ),
    ),
  ).finally(() => (burstDone = true));
  const probes: Array<{ path: string; status: number; during: boolean }> = [];
  while (!burstDone) {
    for (const path of ['/health/ready', '/health/live']) {
      const answer = await send({ port: healthPort, method: 'GET', path });
      probes.push({ path, status: answer.status, during: !burstDone });
      t.match(JSON.parse(answer.body.toString()), { status: /^(ready|saturated|ok)$/ }, `${path}: ${answer.body}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const statuses = await burst;
  t.same(statuses.filter((s) => s !== 200 && s !== 503), [], 'the burst gets 200s and 503s only');
  t.ok(probes.filter((p) => p.during).length >= 4, `${probes.filter((p) => p.during).length} probes answered while the burst ran`);
  t.same(probes.filter((p) => p.path === '/health/live' && p.status !== 200), [], 'liveness stays 200');
});

t.test('HEALTH_PORT serves the probes and /metrics only, /metrics behind its key', async (t) => {
  const healthPort = await freePort();
  const server = await startServer(t, { HEALTH_PORT: String(healthPort), LOG_LEVEL: 'warn', METRICS_API_KEY: 'scrape' });
  const scrape = await send({ port: healthPort, method: 'GET', path: '/metrics', headers: { authorization: 'Bearer scrape' } });
  t.equal(scrape.status, 200);
  t.match(scrape.body.toString(), /^# HELP rectifier_/m, 'the main thread\'s registry');
  const refused = await send({ port: healthPort, method: 'GET', path: '/metrics' });
  t.same([refused.status, JSON.parse(refused.body.toString()).code], [401, 'RECTIFIER_UNAUTHORIZED']);
  for (const path of ['/health/live', '/health/ready']) {
    const probe = await send({ port: healthPort, method: 'GET', path });
    t.same([probe.status, probe.headers['content-type']], [200, 'application/json; charset=utf-8'], path);
    t.ok(probe.headers['x-request-id'], `${path}: x-request-id`);
  }
  const other = await send({ port: healthPort, method: 'POST', path: '/activations/relu', headers: { 'content-type': 'application/json' }, body: '{"x":[1]}' });
  t.same([other.status, JSON.parse(other.body.toString()).code], [404, 'RECTIFIER_NOT_FOUND']);
  t.equal((await send({ port: server.port, method: 'GET', path: '/health/ready' })).status, 200, 'the main port has them too');
  server.child.kill('SIGTERM');
  t.same(await server.exited, { code: 0, signal: null }, 'the health listener does not keep the process from exiting');
});
