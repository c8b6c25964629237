// GET /metrics after traffic: Prometheus text with every metric the operations docs promise.
import { request } from 'node:http';
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { testApp } from '../helpers/app.js';

const PROMISED = [
  'rectifier_http_request_duration_seconds',
  'rectifier_elements_processed_total',
  'rectifier_pool_queue_depth',
  'rectifier_pool_busy_workers',
  'rectifier_pool_live_workers',
  'rectifier_pool_threads',
  'rectifier_requests_in_flight',
  'rectifier_admission_capacity',
  'rectifier_task_wait_seconds',
  'rectifier_task_run_seconds',
  'rectifier_http_rejections_total',
  'rectifier_http_aborted_requests_total',
  'rectifier_tasks_aborted_total',
  'rectifier_pool_worker_exits_total',
  'rectifier_draining',
  'nodejs_eventloop_lag_seconds',
  'nodejs_eventloop_lag_p99_seconds',
  'process_cpu_seconds_total',
  'process_resident_memory_bytes',
  'nodejs_heap_size_used_bytes',
];

async function scrape(app: FastifyInstance) {
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  return { status: res.statusCode, type: res.headers['content-type'], text: res.body };
}

/** The value of one sample line, `name{labels} value`, or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

t.test('after traffic /metrics has every promised metric, with samples for what happened', async (t) => {
  const app = await testApp(t, { POOL_THREADS: '1', POOL_QUEUE: '0', INLINE_MAX_WORK: '0' });
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ method: 'POST', url: '/activations/relu', payload: { x: [-1, 2] } })).statusCode, 200);
  t.equal((await app.inject({ method: 'POST', url: '/gradients/tanh', payload: { x: [0.5] } })).statusCode, 200);
  t.equal((await app.inject({ method: 'POST', url: '/activations/gleu', payload: { x: [1] } })).statusCode, 404);
  t.equal((await app.inject({ method: 'GET', url: '/nowhere' })).statusCode, 404);
  // A second request while the only slot is taken is refused with 503.
  const x = Array.from({ length: 400_000 }, (_, i) => (i % 200) / 10 - 10);
  const running = app.inject({ method: 'POST', url: '/activations/gelu', payload: { x } });
  while (app.compute.stats().inFlight < 1) await new Promise((resolve) => setImmediate(resolve));
  t.equal((await app.inject({ method: 'POST', url: '/activations/relu', payload: { x: [1] } })).statusCode, 503);
  t.equal((await running).statusCode, 200);

  const { status, type, text } = await scrape(app);
  t.equal(status, 200);
  t.equal(type, 'text/plain; version=0.0.4; charset=utf-8');
  for (const name of PROMISED) t.match(text, new RegExp(`^# TYPE ${name} `, 'm'), `${name} is exposed`);

  const duration = 'rectifier_http_request_duration_seconds_count';
  t.equal(sample(text, `${duration}{method="POST",route="/activations/:name",function="relu",status_code="200"}`), 3, 'relu forward by route and function');
  t.equal(sample(text, `${duration}{method="POST",route="/gradients/:name",function="tanh",status_code="200"}`), 1, 'tanh gradient');
  t.equal(sample(text, `${duration}{method="POST",route="/activations/:name",function="",status_code="404"}`), 1, 'unknown function');
  t.equal(sample(text, `${duration}{method="GET",route="(unmatched)",function="",status_code="404"}`), 1, 'no route');
  t.equal(sample(text, 'rectifier_http_rejections_total{route="/activations/:name",function="relu"}'), 1, 'the 503');
  t.equal(sample(text, 'rectifier_pool_threads'), 1);
  t.equal(sample(text, 'rectifier_pool_live_workers'), 1);
  t.equal(sample(text, 'rectifier_admission_capacity'), 1);
  t.equal(sample(text, 'rectifier_requests_in_flight'), 0);
  t.equal(sample(text, 'rectifier_draining'), 0);
  t.ok((sample(text, 'nodejs_eventloop_lag_seconds') ?? -1) >= 0, 'event-loop delay');
});

/** Polls (a few ms apart) until `done` holds. */
async function until(done: () => boolean) {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 2));
}

/**
 * POSTs a binary gelu batch over a real socket and destroys the request once its slice is in the
 * worker: the server sees the connection close while the kernel runs (~60 ms for 400k elements here).
 * Resolves with the status if an answer came first instead (it should not), once nothing is in flight.
 */
async function abandonGelu(app: FastifyInstance, elements: number): Promise<number | undefined> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const body = Buffer.from(Float64Array.from({ length: elements }, (_, i) => (i % 200) / 10 - 10).buffer);
  const req = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/activations/gelu',
    headers: { 'content-type': 'application/octet-stream', 'content-length': body.length, 'x-dtype': 'float64' },
  });
  let answered: number | undefined;
  req.on('error', () => {}); // the socket hang-up we cause
  req.on('response', (res) => {
    answered = res.statusCode;
    res.resume();
  });
  req.end(body);
  await until(() => app.compute.stats().busy > 0 || answered !== undefined);
  req.destroy();
  await until(() => app.compute.stats().inFlight === 0);
  return answered;
}

t.test('real traffic, inline and in the pool, fills elements and task times; a client gone mid-computation counts as aborted', async (t) => {
  // One thread; work from 1000 up goes to the pool: relu [-1, 2] (work 2) runs inline, gelu on 100 elements (work 1000 forward, 3000 backward) in the pool.
  const app = await testApp(t, { POOL_THREADS: '1', INLINE_MAX_WORK: '1000' });
  const x = Array.from({ length: 100 }, (_, i) => i / 10 - 5);
  t.equal((await app.inject({ method: 'POST', url: '/activations/relu', payload: { x: [-1, 2] } })).statusCode, 200);
  t.equal((await app.inject({ method: 'POST', url: '/activations/gelu', payload: { x } })).statusCode, 200);
  t.equal((await app.inject({ method: 'POST', url: '/gradients/gelu', payload: { x } })).statusCode, 200);
  t.equal(await abandonGelu(app, 400_000), undefined, 'the abandoned request got no answer');

  const { text } = await scrape(app);
  t.equal(sample(text, 'rectifier_elements_processed_total{function="relu",operation="forward"}'), 2);
  t.equal(sample(text, 'rectifier_elements_processed_total{function="gelu",operation="forward"}'), 100, 'the abandoned batch computed nothing');
  t.equal(sample(text, 'rectifier_elements_processed_total{function="gelu",operation="backward"}'), 100);
  t.equal(sample(text, 'rectifier_task_run_seconds_count{function="relu",operation="forward",where="inline"}'), 1);
  for (const operation of ['forward', 'backward']) {
    t.equal(sample(text, `rectifier_task_run_seconds_count{function="gelu",operation="${operation}",where="pool"}`), 1, `gelu ${operation} ran in the pool`);
    t.equal(sample(text, `rectifier_task_wait_seconds_count{function="gelu",operation="${operation}"}`), 1, `gelu ${operation} waited, however briefly`);
    t.ok((sample(text, `rectifier_task_run_seconds_sum{function="gelu",operation="${operation}",where="pool"}`) ?? 0) > 0, 'a round trip to the worker takes time');
  }
  t.equal(sample(text, 'rectifier_task_wait_seconds_count{function="relu",operation="forward"}'), undefined, 'inline calls do not queue');
  t.equal(sample(text, 'rectifier_http_aborted_requests_total{route="/activations/:name"}'), 1, 'the abandoned request');
  t.equal(sample(text, 'rectifier_tasks_aborted_total{function="gelu"}'), 1, 'its batch');
  t.equal(sample(text, 'rectifier_pool_worker_exits_total'), 0, 'its worker stopped the task between blocks and lives on');
  t.equal(sample(text, 'rectifier_pool_live_workers'), 1);
});

t.test('a task the compute service reports shows in elements, wait and run times; an aborted one apart', async (t) => {
  const app = await testApp(t);
  const task = { function: 'gelu', operation: 'forward', elements: 1000, where: 'pool', waitSeconds: 0.002, runSeconds: 0.004, outcome: 'ok' } as const;
  app.metrics.recordTask(task);
  app.metrics.recordTask({ ...task, operation: 'backward', where: 'inline', waitSeconds: 0 });
  app.metrics.recordTask({ ...task, outcome: 'aborted' });
  const { text } = await scrape(app);
  t.equal(sample(text, 'rectifier_elements_processed_total{function="gelu",operation="forward"}'), 1000);
  t.equal(sample(text, 'rectifier_elements_processed_total{function="gelu",operation="backward"}'), 1000);
  t.equal(sample(text, 'rectifier_task_wait_seconds_count{function="gelu",operation="forward"}'), 1, 'only pool tasks wait');
  t.equal(sample(text, 'rectifier_task_wait_seconds_count{function="gelu",operation="backward"}'), undefined);
  t.equal(sample(text, 'rectifier_task_run_seconds_count{function="gelu",operation="forward",where="pool"}'), 1);
  t.equal(sample(text, 'rectifier_task_run_seconds_count{function="gelu",operation="backward",where="inline"}'), 1);
  t.equal(sample(text, 'rectifier_tasks_aborted_total{function="gelu"}'), 1);
});

t.test('rectifier_draining turns 1 once draining', async (t) => {
  const app = await testApp(t);
  app.drain.begin();
  t.equal(sample((await scrape(app)).text, 'rectifier_draining'), 1);
});

t.test('each app has its own registry: two apps in one process do not clash', async (t) => {
  const first = await testApp(t);
  const second = await testApp(t);
  await first.inject({ method: 'POST', url: '/activations/relu', payload: { x: [1] } });
  const series = 'rectifier_http_request_duration_seconds_count{method="POST",route="/activations/:name",function="relu",status_code="200"}';
  t.equal(sample((await scrape(first)).text, series), 1);
  t.equal(sample((await scrape(second)).text, series), undefined);
});

t.test('/metrics is in the OpenAPI document as Prometheus text', async (t) => {
  const app = await testApp(t);
  const doc = app.swagger() as { paths: Record<string, { get?: { tags?: string[]; responses: Record<string, { content?: Record<string, unknown> }> } }> };
  const op = doc.paths['/metrics']?.get;
  t.same(op?.tags, ['operations']);
  t.ok(op?.responses['200']?.content?.['text/plain; version=0.0.4'], 'text/plain; version=0.0.4');
});
