// Over capacity the service answers 503 with Retry-After, never anything else; a client that
// disconnects takes its task out of the queue. Real sockets: the behaviour is about the network.
import { request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { testApp } from '../helpers/app.js';

/** A gelu batch big enough to go to the pool and keep a worker busy for a while. */
const body = Buffer.from(new Float64Array(Array.from({ length: 400_000 }, (_, i) => Math.sin(i) * 9)).buffer);

function post(port: number, path: string): { done: Promise<IncomingMessage>; abort: () => void } {
  const req = request({
    host: '127.0.0.1', port, path, method: 'POST',
    headers: { 'content-type': 'application/octet-stream', 'x-dtype': 'float64', accept: 'application/octet-stream', connection: 'close' },
  });
  const done = new Promise<IncomingMessage>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res));
    });
    req.on('error', reject);
  });
  req.end(body);
  return { done, abort: () => req.destroy() };
}

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

t.test('a flood at 10x capacity gets only 200s and 503s with Retry-After', async (t) => {
  const app = await testApp(t, { POOL_THREADS: '1', POOL_QUEUE: '1', INLINE_MAX_WORK: '1000' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const capacity = app.compute.stats().capacity;
  t.equal(capacity, 2);
  const answers = await Promise.all(Array.from({ length: 10 * capacity }, () => post(port, '/activations/gelu').done));
  const statuses = answers.map((r) => r.statusCode);
  t.same(statuses.filter((s) => s !== 200 && s !== 503), [], 'nothing but 200 and 503');
  t.ok(statuses.includes(200), 'admitted work is answered');
  t.ok(statuses.includes(503), 'the excess is refused');
  for (const r of answers.filter((a) => a.statusCode === 503)) t.equal(r.headers['retry-after'], '1');
  t.equal(app.compute.stats().inFlight, 0, 'every slot is given back');
});

t.test("a disconnected client's queued task leaves the queue", async (t) => {
  const app = await testApp(t, { POOL_THREADS: '1', POOL_QUEUE: '4', INLINE_MAX_WORK: '1000' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const outcomes: string[] = [];
  app.compute.onTask((task) => outcomes.push(task.outcome));
  const running = post(port, '/activations/gelu');
  await until('the first task to run', () => app.compute.stats().busy === 1);
  const queued = post(port, '/activations/gelu');
  queued.done.catch(() => undefined);
  await until('the second task to queue', () => app.compute.stats().queued === 1);
  queued.abort();
  await until('the queue to empty', () => app.compute.stats().queued === 0);
  t.equal(app.compute.stats().busy, 1, 'the first task is still running when the second leaves the queue');
  t.equal((await running.done).statusCode, 200);
  await until('both calls to be reported', () => outcomes.length === 2);
  t.same(outcomes.sort(), ['aborted', 'ok']);
  t.equal(app.compute.stats().inFlight, 0);
});
