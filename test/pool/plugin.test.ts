// The compute plugin: pool size from config, the decorated service, the pool closed with the app.
import { availableParallelism } from 'node:os';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { testApp } from '../helpers/app.js';

t.test('the pool has POOL_THREADS threads and threads + POOL_QUEUE admission slots', async (t) => {
  const app = await testApp(t, { POOL_THREADS: '2', POOL_QUEUE: '5' });
  t.match(app.compute.stats(), { threads: 2, liveWorkers: 2, busy: 0, queued: 0, inFlight: 0, capacity: 7, workerExits: 0 });
  t.notOk(app.compute.saturated());
});

t.test('POOL_THREADS=0 means one thread per available core', async (t) => {
  const app = await testApp(t, { POOL_THREADS: '0' });
  t.equal(app.compute.stats().threads, availableParallelism());
  t.equal(app.compute.stats().liveWorkers, availableParallelism());
});

t.test('closing the app ends the worker threads', async (t) => {
  const app = await buildApp(loadConfig({ POOL_THREADS: '2', INLINE_MAX_WORK: '0' }), { logger: false });
  const res = await app.inject({ method: 'POST', url: '/activations/relu', payload: { x: [-1, 2, -3, 4] } });
  t.same(res.json().y, [0, 2, 0, 4], 'computed in the pool');
  t.equal(app.compute.stats().liveWorkers, 2);
  await app.close();
  t.equal(app.compute.stats().liveWorkers, 0, 'no thread left');
  t.equal(app.compute.stats().workerExits, 0, 'threads ended by closing are not worker exits');
  t.ok(app.compute.saturated(), 'a closed service admits nothing');
});
