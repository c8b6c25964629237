// Every pool task has a deadline: a kernel stops between blocks, a task that cannot is ended with its worker; only its request fails.
import t from 'tap';
import { registry } from '../../src/core/registry.js';
import type { Tensor } from '../../src/core/definition.js';
import { testApp } from '../helpers/app.js';

const gelu = registry.get('gelu')!;

t.test('a kernel past TASK_TIMEOUT_MS stops at its next block: a 503, and its worker lives on', async (t) => {
  const app = await testApp(t, { POOL_THREADS: '1', INLINE_MAX_WORK: '0', TASK_TIMEOUT_MS: '50' });
  const batch = (n: number): Tensor => ({ data: Float32Array.from({ length: n }, (_, i) => (i % 1000) / 100 - 5), shape: [n] });
  // Warm, in small batches: a cold kernel runs interpreted, far slower than the ~1 ms a block takes warm.
  const warm = batch(4096);
  for (let i = 0; i < 50; i++) await app.compute.backward(gelu, warm, warm, { approximate: 'none' }, 'torch');
  // 16M float32 gelu backward: ~150 ms of kernel in 256 blocks.
  const x = batch(16 << 20);
  const err = await app.compute.backward(gelu, x, x, { approximate: 'none' }, 'torch').catch((e: unknown) => e);
  t.match(err, { code: 'RECTIFIER_TIMEOUT', statusCode: 503 });
  t.match(app.compute.stats(), { timeouts: 1, workerExits: 0, liveWorkers: 1, inFlight: 0, leases: 0, reservedBytes: 0 });
  const small: Tensor = { data: new Float64Array([-1, 0, 1]), shape: [3] };
  t.same([...(await app.compute.forward(gelu, small, { approximate: 'none' })).data], [...gelu.forward(small, { approximate: 'none' }).data]);
});

t.test('a task that cannot stop (a JSON parse) is ended with its worker; readiness says stalled meanwhile; the pool recovers', async (t) => {
  const elements = 32 << 20;
  const app = await testApp(t, {
    POOL_THREADS: '1',
    TASK_TIMEOUT_MS: '40',
    JSON_OFFLOAD_BYTES: '1024',
    JSON_MAX_ELEMENTS: String(elements),
    JSON_BODY_LIMIT: String(256 << 20),
  });
  // 64 MiB of zeros: JSON.parse alone takes well over the 40 ms deadline and its 40 ms grace.
  const payload = `{"x":[${'0,'.repeat(elements - 1)}0]}`;
  const seen = new Set<string>();
  const poll = setInterval(() => {
    const h = app.compute.health();
    if (h.stalled) seen.add('stalled');
    if (h.stuck) seen.add('stuck');
  }, 2);
  const res = await app.inject({ method: 'POST', url: '/activations/relu', headers: { 'content-type': 'application/json' }, payload });
  clearInterval(poll);
  t.equal(res.statusCode, 503, res.body.slice(0, 200));
  t.match(res.json(), { code: 'RECTIFIER_TIMEOUT' });
  t.equal(res.headers['retry-after'], '1');
  t.ok(seen.has('stalled'), 'readiness saw the pool stalled');
  t.notOk(seen.has('stuck'), 'liveness never failed: ending the worker was enough');
  while (app.compute.stats().liveWorkers < 1) await new Promise((resolve) => setTimeout(resolve, 10));
  t.match(app.compute.stats(), { timeouts: 1, workerExits: 1, liveWorkers: 1 });
  while (app.compute.stats().leases > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  t.match(app.compute.stats(), { inFlight: 0, reservedBytes: 0, arenaInUseBytes: 0 }, 'its memory came back once the thread had stopped');
  const ok = await app.inject({ method: 'POST', url: '/activations/relu', headers: { 'content-type': 'application/json' }, payload: `{"x":[${'-1,'.repeat(999)}2]}` });
  t.equal(ok.statusCode, 200, 'the new worker parses');
  t.equal((await app.inject({ method: 'GET', url: '/health/ready' })).json().status, 'ready');
});
