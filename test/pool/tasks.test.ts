// Task reports: every forward/backward call told to onTask listeners once, with where it ran, its times and outcome.
import t, { type Test } from 'tap';
import { ApiError } from '../../src/errors.js';
import { registry } from '../../src/core/registry.js';
import type { ActivationDefinition, Tensor } from '../../src/core/definition.js';
import type { TaskRecord } from '../../src/pool/compute.js';
import { testApp } from '../helpers/app.js';
import { testLease } from '../helpers/lease.js';

const gelu = registry.get('gelu')!;
const relu = registry.get('relu')!;
const GELU = { approximate: 'none' };

function batch(n: number): Tensor {
  return { data: Float64Array.from({ length: n }, (_, i) => ((i % 1000) - 500) / 100), shape: [n] };
}

/** One thread, a queue of one, everything from work 1000 up in the pool (gelu: 100 elements); the worker started. */
async function observedApp(t: Test) {
  const app = await testApp(t, { POOL_THREADS: '1', POOL_QUEUE: '1', INLINE_MAX_WORK: '1000' });
  await app.compute.forward(gelu, batch(2000), GELU);
  const tasks: TaskRecord[] = [];
  app.compute.onTask((task) => tasks.push(task));
  return { app, tasks };
}

t.test('inline and pool calls are reported once each, with what ran where and for how long', async (t) => {
  const { app, tasks } = await observedApp(t);
  await app.compute.forward(relu, batch(4), {});
  await app.compute.backward(relu, batch(3), batch(3), {}, 'torch');
  await app.compute.forward(gelu, batch(200), GELU);
  await app.compute.backward(gelu, batch(300), batch(300), GELU, 'torch');
  t.match(tasks, [
    { function: 'relu', operation: 'forward', elements: 4, where: 'inline', waitSeconds: 0, outcome: 'ok' },
    { function: 'relu', operation: 'backward', elements: 3, where: 'inline', waitSeconds: 0, outcome: 'ok' },
    { function: 'gelu', operation: 'forward', elements: 200, where: 'pool', outcome: 'ok' },
    { function: 'gelu', operation: 'backward', elements: 300, where: 'pool', outcome: 'ok' },
  ]);
  t.equal(tasks.length, 4);
  // A pool call's run includes the round trip to the worker and back, which is never instant.
  for (const pooled of tasks.slice(2)) t.ok(pooled.runSeconds > 0 && pooled.waitSeconds >= 0, `${pooled.operation} in the pool ran`);
});

t.test('a call queued behind another waits for it; the first, given to the idle worker at once, barely waits', async (t) => {
  const { app, tasks } = await observedApp(t);
  await Promise.all([app.compute.forward(gelu, batch(50_000), GELU), app.compute.forward(gelu, batch(50_000), GELU)]);
  t.equal(tasks.length, 2);
  // The second slice reaches the worker only after the first has been computed there, in a later
  // turn of the event loop; the first was dispatched within the call that posted it.
  t.ok(tasks[1].waitSeconds > tasks[0].waitSeconds, `waited ${tasks[1].waitSeconds} s against ${tasks[0].waitSeconds} s`);
});

t.test('aborted calls are reported aborted, whether queued, running or cancelled before the call', async (t) => {
  const { app, tasks } = await observedApp(t);
  const running = testLease(t, app);
  const queued = testLease(t, app);
  const calls = [
    app.compute.forward(gelu, batch(50_000), GELU, running),
    app.compute.forward(gelu, batch(50_000), GELU, queued),
  ];
  t.match(app.compute.stats(), { busy: 1, queued: 1 });
  queued.cancel();
  running.cancel();
  // The queued call settles first (it leaves the queue), the running one when its worker sees the flag.
  for (const err of await Promise.all(calls.map((call) => call.catch((e: unknown) => e)))) t.equal((err as Error).name, 'AbortError');
  running.release();
  queued.release();
  const before = testLease(t, app);
  before.cancel();
  t.equal(((await app.compute.forward(relu, batch(4), {}, before).catch((e: unknown) => e)) as Error).name, 'AbortError');

  t.match(tasks, [
    { function: 'gelu', where: 'pool', outcome: 'aborted' },
    { function: 'gelu', where: 'pool', outcome: 'aborted' },
    { function: 'relu', where: 'inline', outcome: 'aborted', waitSeconds: 0, runSeconds: 0 },
  ]);
  t.equal(tasks.length, 3);
  t.equal(app.compute.stats().workerExits, 0, 'no worker was ended: the running task stopped between blocks');
});

t.test('a call refused at admission is not reported; a kernel that throws is reported as an error', async (t) => {
  const { app, tasks } = await observedApp(t);
  const x = batch(50_000);
  const admitted = [app.compute.forward(gelu, x, GELU), app.compute.forward(gelu, x, GELU)];
  t.ok((await app.compute.forward(relu, batch(4), {}).catch((e: unknown) => e)) instanceof ApiError, 'refused');
  await Promise.all(admitted);
  t.equal(tasks.length, 2, 'the two admitted calls only');

  const broken: ActivationDefinition = {
    ...relu,
    forward: () => {
      throw new Error('kernel failure');
    },
  };
  await t.rejects(app.compute.forward(broken, batch(4), {}), { message: 'kernel failure' });
  t.match(tasks[2], { function: 'relu', where: 'inline', outcome: 'error' });
});
