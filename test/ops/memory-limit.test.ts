// Under a real 1 GiB memory limit (a cgroup), in the Kubernetes manifest's configuration, no traffic gets it killed.
import t from 'tap';
import { memoryCgroup } from '../helpers/cgroup.js';
import { memoryOf, send, type Sent } from '../helpers/http.js';
import { startServer } from '../helpers/server-process.js';

const MiB = 1024 * 1024;
const LIMIT = 1024 * MiB;

const floats = (n: number) => Buffer.from(Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 6).buffer);
const small = floats(1 << 20); // 4 MiB
const large = floats(8 << 20); // 32 MiB, BINARY_MAX_ELEMENTS
const json1M = JSON.stringify({ x: Array.from({ length: 1 << 20 }, (_, i) => Math.round(Math.sin(i) * 1e6) / 1e5) });

function binary(port: number, path: string, body: Buffer, answer: 'binary' | 'json'): Promise<Sent> {
  return send({
    port,
    path,
    discard: true,
    headers: {
      'content-type': 'application/octet-stream',
      'x-dtype': 'float32',
      ...(answer === 'binary' ? { accept: 'application/octet-stream' } : {}),
    },
    body,
  });
}

t.test('bursts, concurrent 32 MiB uploads and 100 MB JSON answers: 200 or 503, never killed', async (t) => {
  const cgroup = memoryCgroup(t, LIMIT);
  // deploy/k8s/deployment.yaml: 2 CPUs, POOL_QUEUE 16, a 1 GiB limit (the budget is derived from it).
  const server = await startServer(t, { POOL_THREADS: '2', POOL_QUEUE: '16', LOG_LEVEL: 'warn' }, { cgroup });
  const pid = server.child.pid!;
  const phases: Array<[string, () => Promise<Sent>, number]> = [
    ['burst of 1M-element gelu', () => binary(server.port, '/activations/gelu', small, 'binary'), 120],
    ['concurrent 32 MiB uploads', () => binary(server.port, '/activations/relu', large, 'binary'), 12],
    ['8M-element answers as JSON', () => binary(server.port, '/activations/relu', large, 'json'), 3],
    ['1M-number JSON bodies', () => send({ port: server.port, path: '/activations/sigmoid', discard: true, headers: { 'content-type': 'application/json' }, body: json1M }), 4],
  ];
  for (const [what, request, count] of phases) {
    const answers = await Promise.all(Array.from({ length: count }, request));
    const statuses = answers.map((a) => a.status);
    t.same(statuses.filter((s) => s !== 200 && s !== 503), [], `${what}: nothing but 200 and 503`);
    t.ok(statuses.includes(200), `${what}: ${statuses.filter((s) => s === 200).length} of ${count} answered 200`);
    t.comment(`${what}: RSS now ${(memoryOf(pid).rss / MiB).toFixed(0)} MiB, peak ${(memoryOf(pid).peak / MiB).toFixed(0)} MiB`);
  }
  t.equal(server.child.exitCode, null, 'the process still runs');
  t.equal(cgroup.oomKills(), 0, 'the OOM killer ended nothing');
  t.ok(cgroup.peak() < LIMIT, `the group's peak ${(cgroup.peak() / MiB).toFixed(0)} MiB stays under the limit`);
  t.equal((await send({ port: server.port, method: 'GET', path: '/health/ready' })).status, 200, 'ready again afterwards');
});
