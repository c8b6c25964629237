// Cancellation: a cancelled call leaves the queue, or its running task stops at its next block; its worker lives on.
import t, { type Test } from 'tap';
import { registry } from '../../src/core/registry.js';
import type { Tensor } from '../../src/core/definition.js';
import { testApp } from '../helpers/app.js';
import { testLease } from '../helpers/lease.js';

const gelu = registry.get('gelu')!;
const GELU = { approximate: 'none' };
const x: Tensor = { data: Float64Array.from({ length: 50_000 }, (_, i) => ((i % 1000) - 500) / 100), shape: [50_000] };
const small: Tensor = { data: Float64Array.from({ length: 2000 }, (_, i) => i / 100 - 10), shape: [2000] };

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 1));
}

/** One thread, everything from work 1000 up in the pool, and the worker started. */
async function tinyPool(t: Test) {
  const app = await testApp(t, { POOL_THREADS: '1', POOL_QUEUE: '4', INLINE_MAX_WORK: '1000' });
  await app.compute.forward(gelu, small, GELU);
  return app;
}

t.test('an aborted queued task leaves the queue and frees its slot; the running one completes', async (t) => {
  const app = await tinyPool(t);
  const running = app.compute.forward(gelu, x, GELU);
  const controller = testLease(t, app);
  const queued = app.compute.forward(gelu, x, GELU, controller);
  t.match(app.compute.stats(), { busy: 1, queued: 1, inFlight: 2 });

  controller.cancel();
  // Only microtasks run between the abort and this continuation: the running task cannot have
  // finished, so what is counted now is the queued task's departure alone.
  const err = await queued.catch((e: unknown) => e);
  t.equal((err as Error).name, 'AbortError', 'the aborted call rejects with an AbortError');
  controller.release();
  t.match(app.compute.stats(), { busy: 1, queued: 0, inFlight: 1 }, 'out of the queue, slot released');

  t.same((await running).data, gelu.forward(x, GELU as never).data, 'the running task is unaffected');
  t.match(app.compute.stats(), { busy: 0, queued: 0, inFlight: 0 });
});

t.test('an aborted running task stops at its next block: its worker is not ended and keeps working', async (t) => {
  const app = await tinyPool(t);
  const big: Tensor = { data: Float64Array.from({ length: 2_000_000 }, (_, i) => ((i % 1000) - 500) / 100), shape: [2_000_000] };
  const controller = testLease(t, app);
  const running = app.compute.forward(gelu, big, GELU, controller);
  t.match(app.compute.stats(), { busy: 1, queued: 0, inFlight: 1 });
  await until(() => app.compute.stats().busy === 1);
  controller.cancel();
  t.equal(((await running.catch((e: unknown) => e)) as Error).name, 'AbortError');
  controller.release();
  t.match(app.compute.stats(), { busy: 0, queued: 0, inFlight: 0, liveWorkers: 1, workerExits: 0 }, 'slot released, the same thread');
  t.same((await app.compute.forward(gelu, x, GELU)).data, gelu.forward(x, GELU as never).data, 'the thread computes');
});

t.test('a split batch aborted while running frees one slot once every slice has settled', async (t) => {
  const app = await testApp(t, { POOL_THREADS: '2', POOL_QUEUE: '0', INLINE_MAX_WORK: '1000' });
  await Promise.all([app.compute.forward(gelu, small, GELU), app.compute.forward(gelu, small, GELU)]);
  const controller = testLease(t, app);
  const backward = app.compute.backward(gelu, x, x, GELU, 'torch', controller);
  const before = app.compute.stats();
  t.equal(before.inFlight, 1);
  t.equal(before.busy + before.queued, 2, 'two slices posted');
  controller.cancel();
  t.equal(((await backward.catch((e: unknown) => e)) as Error).name, 'AbortError');
  controller.release();
  t.match(app.compute.stats(), { inFlight: 0, busy: 0, queued: 0, workerExits: 0 });
});

t.test('a signal aborted before the call is refused without taking a slot', async (t) => {
  const app = await tinyPool(t);
  const controller = testLease(t, app);
  controller.cancel();
  for (const call of [
    app.compute.forward(gelu, x, GELU, controller),
    app.compute.forward(gelu, { data: new Float64Array(4), shape: [4] }, GELU, controller), // inline-sized
  ]) {
    t.equal(((await call.catch((e: unknown) => e)) as Error).name, 'AbortError');
  }
  t.match(app.compute.stats(), { inFlight: 0, busy: 0, queued: 0 });
});
