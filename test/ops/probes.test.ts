// Probes on HEALTH_PORT answer during a burst of connections on the main port (their latency: bench/burst.ts).
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

t.test('HEALTH_PORT serves the probes and /metrics only', async (t) => {
  const healthPort = await freePort();
  const server = await startServer(t, { HEALTH_PORT: String(healthPort), LOG_LEVEL: 'warn' });
  t.equal((await send({ port: healthPort, method: 'GET', path: '/metrics' })).status, 200);
  const other = await send({ port: healthPort, method: 'POST', path: '/activations/relu', headers: { 'content-type': 'application/json' }, body: '{"x":[1]}' });
  t.same([other.status, JSON.parse(other.body.toString()).code], [404, 'RECTIFIER_NOT_FOUND']);
  t.equal((await send({ port: server.port, method: 'GET', path: '/health/ready' })).status, 200, 'the main port has them too');
  server.child.kill('SIGTERM');
  t.same(await server.exited, { code: 0, signal: null }, 'the health listener does not keep the process from exiting');
});
