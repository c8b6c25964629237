// Admission control: threads + queue requests in flight, inline and pooled; the rest get a 503.
import t from 'tap';
import { ApiError } from '../../src/errors.js';
import { registry } from '../../src/core/registry.js';
import type { Tensor } from '../../src/core/definition.js';
import { testApp } from '../helpers/app.js';

const gelu = registry.get('gelu')!;
const relu = registry.get('relu')!;
const GELU = { approximate: 'none' };

function batch(n: number): Tensor {
  return { data: Float64Array.from({ length: n }, (_, i) => ((i % 1000) - 500) / 100), shape: [n] };
}

t.test('past threads + queue in flight, requests are refused with RECTIFIER_OVERLOADED; admitted work completes', async (t) => {
  // One thread and a queue of one: capacity 2. Work of 1000 and more goes to the pool.
  const app = await testApp(t, { POOL_THREADS: '1', POOL_QUEUE: '1', INLINE_MAX_WORK: '1000' });
  await app.compute.forward(gelu, batch(2000), GELU); // the worker is up
  t.match(app.compute.stats(), { threads: 1, liveWorkers: 1, busy: 0, queued: 0, inFlight: 0, capacity: 2, workerExits: 0 });

  // Admission is decided before the first await, so no timing is involved from here on.
  const x = batch(50_000);
  const first = app.compute.forward(gelu, x, GELU);
  const second = app.compute.forward(gelu, x, GELU);
  t.match(app.compute.stats(), { threads: 1, liveWorkers: 1, busy: 1, queued: 1, inFlight: 2, capacity: 2, workerExits: 0 });
  t.ok(app.compute.saturated(), 'saturated at capacity');

  for (const [label, refused] of [
    ['a pool-sized forward', app.compute.forward(gelu, x, GELU)],
    ['an inline-sized forward', app.compute.forward(relu, batch(16), {})],
    ['a backward', app.compute.backward(relu, batch(16), batch(16), {}, 'torch')],
  ] as const) {
    const err = await (refused as Promise<unknown>).catch((e: unknown) => e);
    t.ok(err instanceof ApiError, `${label} is refused with an ApiError`);
    t.equal((err as ApiError).code, 'RECTIFIER_OVERLOADED', label);
    t.equal((err as ApiError).statusCode, 503, label);
  }
  t.equal(app.compute.stats().inFlight, 2, 'refusals take no slot');

  const expected = gelu.forward(x, GELU as never).data;
  for (const answer of await Promise.all([first, second])) t.same(answer.data, expected, 'admitted work completes');
  t.match(app.compute.stats(), { threads: 1, liveWorkers: 1, busy: 0, queued: 0, inFlight: 0, capacity: 2, workerExits: 0 });
  t.notOk(app.compute.saturated());
  t.same((await app.compute.forward(relu, batch(16), {})).data.length, 16, 'admitted again once slots are free');
});

t.test('inline requests count while they run and give their slot back, also when they throw', async (t) => {
  const app = await testApp(t, { POOL_THREADS: '1', POOL_QUEUE: '0', INLINE_MAX_WORK: '1000000' });
  for (let i = 0; i < 5; i++) await app.compute.forward(relu, batch(16), {});
  const broken = { ...relu, name: 'broken', forward: () => { throw new Error('kernel failure'); } };
  await t.rejects(app.compute.forward(broken, batch(16), {}), { message: 'kernel failure' });
  t.equal(app.compute.stats().inFlight, 0);
  t.equal(app.compute.stats().capacity, 1);
});
