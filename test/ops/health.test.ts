// GET /health/live and /health/ready: what probes see when ready, draining and saturated.
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { testApp } from '../helpers/app.js';

/** Resolves once the compute service has `count` requests in flight (polled between event-loop turns). */
async function inFlight(app: FastifyInstance, count: number): Promise<void> {
  for (let turn = 0; turn < 100_000; turn++) {
    if (app.compute.stats().inFlight >= count) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`never ${count} in flight`);
}

t.test('/health/live answers 200 ok, as JSON', async (t) => {
  const app = await testApp(t);
  const res = await app.inject({ method: 'GET', url: '/health/live' });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^application\/json/);
  t.same(res.json(), { status: 'ok' });
});

t.test('/health/ready answers 200 ready once the pool has its workers', async (t) => {
  const app = await testApp(t, { POOL_THREADS: '1' });
  t.equal(app.compute.stats().liveWorkers, 1);
  const res = await app.inject({ method: 'GET', url: '/health/ready' });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { status: 'ready' });
});

t.test('once draining: ready is 503, live stays 200, and every answer asks to close the connection', async (t) => {
  const app = await testApp(t, { POOL_THREADS: '1' });
  const before = await app.inject({ method: 'GET', url: '/health/live' });
  t.not(before.headers.connection, 'close', 'not before draining');
  app.drain.begin();
  const ready = await app.inject({ method: 'GET', url: '/health/ready' });
  t.equal(ready.statusCode, 503);
  t.same(ready.json(), { status: 'draining' });
  const live = await app.inject({ method: 'GET', url: '/health/live' });
  t.equal(live.statusCode, 200);
  const work = await app.inject({ method: 'POST', url: '/activations/relu', payload: { x: [-1, 1] } });
  t.equal(work.statusCode, 200, 'work still accepted on an open connection');
  const missing = await app.inject({ method: 'GET', url: '/nowhere' });
  for (const res of [ready, live, work, missing]) t.equal(res.headers.connection, 'close', `${res.statusCode} carries Connection: close`);
});

t.test('while every admission slot is taken, ready is 503 saturated, then 200 again', async (t) => {
  // One thread, no queue, nothing inline: a single request in a worker fills the service.
  const app = await testApp(t, { POOL_THREADS: '1', POOL_QUEUE: '0', INLINE_MAX_WORK: '0' });
  const x = Array.from({ length: 400_000 }, (_, i) => (i % 200) / 10 - 10);
  const running = app.inject({ method: 'POST', url: '/activations/gelu', payload: { x } });
  await inFlight(app, 1);
  const saturated = await app.inject({ method: 'GET', url: '/health/ready' });
  t.equal(saturated.statusCode, 503);
  t.same(saturated.json(), { status: 'saturated' });
  t.equal((await running).statusCode, 200);
  const ready = await app.inject({ method: 'GET', url: '/health/ready' });
  t.equal(ready.statusCode, 200);
  t.same(ready.json(), { status: 'ready' });
});

t.test('the health routes are in the OpenAPI document, with their answers described', async (t) => {
  const app = await testApp(t);
  const doc = app.swagger() as { paths: Record<string, { get?: { tags?: string[]; responses: Record<string, { description?: string; content?: Record<string, unknown> }> } }> };
  const live = doc.paths['/health/live']?.get;
  const ready = doc.paths['/health/ready']?.get;
  t.same(live?.tags, ['operations']);
  t.ok(live?.responses['200']?.content?.['application/json'], 'live: 200 JSON');
  for (const status of ['200', '503']) {
    t.ok(ready?.responses[status]?.content?.['application/json'], `ready: ${status} JSON`);
    t.ok(ready?.responses[status]?.description, `ready: ${status} described`);
  }
});
