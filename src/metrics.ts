// Prometheus metrics: one registry per app, its metric objects, and what every request and task records.
import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { LeanCounter, LeanHistogram } from './lean-metrics.js';
import type { Drain } from './drain.js';
import type { ComputeService, ComputeStats, TaskRecord } from './pool/compute.js';

/** Seconds; from a 0.5 ms inline relu to a 10 s body near the limits. */
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Compute routes are generated one per function; the function becomes a label of its own. */
const COMPUTE_ROUTE = /^\/(activations|gradients)\/([a-z0-9_]+)$/;
const UNMATCHED_ROUTE = '(unmatched)';

type Observe = (seconds: number) => void;
type Add = (amount?: number) => void;

/** What a response of one route and status records, found once per route, method and status. */
interface ResponseRecorder {
  duration: Observe;
  /** A compute route's 503: counted as a rejection too. */
  rejection?: Add;
}

/** What a task of one function, operation and place records. */
interface TaskRecorder {
  elements?: Add;
  wait?: Observe;
  run: Observe;
}

/** Where a route's recorders are cached: on its config object, shared by all its requests. */
const kRecorders = Symbol('rectifier.metrics.recorders');
type RouteConfig = { [kRecorders]?: Map<string, ResponseRecorder> };

export class Metrics {
  readonly registry = new Registry();
  /** Requests that matched no route. */
  readonly #unmatched = new Map<string, ResponseRecorder>();
  /** Per function, then operation and place. */
  readonly #byTask = new Map<string, Map<string, TaskRecorder>>();
  readonly #abortedByRoute = new Map<string, Add>();
  readonly #abortedTasks = new Map<string, Add>();

  readonly requestDuration = new LeanHistogram({
    name: 'rectifier_http_request_duration_seconds',
    help: 'Time from the first byte of a request to the last byte of its answer, by route, function and status.',
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly rejections = new LeanCounter({
    name: 'rectifier_http_rejections_total',
    help: 'Compute requests answered 503: compute slots (threads + queue) or the memory budget taken, or a timeout.',
    registers: [this.registry],
  });
  readonly abortedRequests = new LeanCounter({
    name: 'rectifier_http_aborted_requests_total',
    help: 'Requests whose client closed the connection before the answer was sent.',
    registers: [this.registry],
  });
  readonly elements = new LeanCounter({
    name: 'rectifier_elements_processed_total',
    help: 'Tensor elements computed, by function and operation (forward or backward).',
    registers: [this.registry],
  });
  readonly taskWait = new LeanHistogram({
    name: 'rectifier_task_wait_seconds',
    help: 'Time a computation (or a large JSON parse or encoding) waited in the pool queue before a worker took it.',
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly taskRun = new LeanHistogram({
    name: 'rectifier_task_run_seconds',
    help: 'Time a computation (operation forward or backward) or a large JSON parse or encoding ran, inline on the event loop or in the pool.',
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly abortedTasks = new LeanCounter({
    name: 'rectifier_tasks_aborted_total',
    help: 'Computations abandoned because their client went away.',
    registers: [this.registry],
  });

  constructor(compute: ComputeService, drain: Drain) {
    const registers = [this.registry];
    const fromStats = (name: string, help: string, read: (stats: ComputeStats) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read(compute.stats()));
        },
      });
    fromStats('rectifier_pool_queue_depth', 'Computations waiting for a worker.', (s) => s.queued);
    fromStats('rectifier_pool_busy_workers', 'Workers computing now.', (s) => s.busy);
    fromStats('rectifier_pool_live_workers', 'Workers alive.', (s) => s.liveWorkers);
    fromStats('rectifier_pool_threads', 'Workers configured (POOL_THREADS).', (s) => s.threads);
    fromStats('rectifier_requests_in_flight', 'Compute requests holding a compute slot (computing or writing their answer).', (s) => s.inFlight);
    fromStats('rectifier_admission_capacity', 'Compute slots (POOL_THREADS + POOL_QUEUE) before answering 503.', (s) => s.capacity);
    fromStats('rectifier_memory_budget_bytes', 'Bytes the requests in flight may reserve (MEMORY_BUDGET_BYTES or derived).', (s) => s.budgetBytes);
    fromStats('rectifier_memory_reserved_bytes', 'Bytes reserved now by requests (bodies, buffers, answers).', (s) => s.reservedBytes);
    fromStats('rectifier_memory_leases', 'Requests holding memory: reading their body, computing or writing their answer.', (s) => s.leases);
    fromStats('rectifier_arena_bytes', 'Size of the buffer arena (virtual; pages become resident when first used).', (s) => s.arenaBytes);
    fromStats('rectifier_arena_in_use_bytes', 'Bytes of the arena held by requests now.', (s) => s.arenaInUseBytes);
    fromStats('rectifier_arena_high_water_bytes', 'The most of the arena ever in use at once: an upper bound on its resident memory.', (s) => s.arenaHighWaterBytes);
    // The pool keeps the running totals; a counter set from one stays monotonic.
    const fromTotal = (name: string, help: string, read: (stats: ComputeStats) => number) =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(read(compute.stats()));
        },
      });
    fromTotal(
      'rectifier_pool_worker_exits_total',
      'Workers that exited while the pool was open (crashed, out of heap, or ended past TASK_TIMEOUT_MS); each is replaced.',
      (s) => s.workerExits,
    );
    fromTotal('rectifier_task_timeouts_total', 'Pool tasks that ran past TASK_TIMEOUT_MS and were stopped.', (s) => s.timeouts);
    new Gauge({
      name: 'rectifier_draining',
      help: '1 from SIGTERM on: readiness fails and connections close after their answer.',
      registers,
      collect() {
        this.set(drain.draining ? 1 : 0);
      },
    });
    collectDefaultMetrics({ register: this.registry });
    compute.onTask((task) => this.recordTask(task));
  }

  recordResponse(request: FastifyRequest, reply: FastifyReply): void {
    const status = reply.statusCode;
    const config = request.is404 ? undefined : (request.routeOptions.config as RouteConfig);
    const cache = config === undefined ? this.#unmatched : (config[kRecorders] ??= new Map());
    const key = request.method + status;
    let recorder = cache.get(key);
    if (recorder === undefined) {
      const { route, fn } = routeLabels(config === undefined ? undefined : request.routeOptions.url);
      const labels = { method: request.method, route, function: fn, status_code: String(status) };
      recorder = {
        duration: this.requestDuration.child(labels),
        rejection: status === 503 && fn !== '' ? this.rejections.child({ route, function: fn }) : undefined,
      };
      cache.set(key, recorder);
    }
    recorder.duration(reply.elapsedTime / 1000);
    recorder.rejection?.();
  }

  recordAbort(request: FastifyRequest): void {
    const { route } = routeLabels(request.is404 ? undefined : request.routeOptions.url);
    let add = this.#abortedByRoute.get(route);
    if (add === undefined) this.#abortedByRoute.set(route, (add = this.abortedRequests.child({ route })));
    add();
  }

  recordTask(task: TaskRecord): void {
    if (task.outcome === 'aborted') {
      let add = this.#abortedTasks.get(task.function);
      if (add === undefined) this.#abortedTasks.set(task.function, (add = this.abortedTasks.child({ function: task.function })));
      add();
      return;
    }
    let byFunction = this.#byTask.get(task.function);
    if (byFunction === undefined) this.#byTask.set(task.function, (byFunction = new Map()));
    const key = task.operation + task.where;
    let recorder = byFunction.get(key);
    if (recorder === undefined) {
      const labels = { function: task.function, operation: task.operation };
      const kernel = task.operation === 'forward' || task.operation === 'backward';
      recorder = {
        elements: kernel ? this.elements.child(labels) : undefined,
        wait: task.where === 'pool' ? this.taskWait.child(labels) : undefined,
        run: this.taskRun.child({ ...labels, where: task.where }),
      };
      byFunction.set(key, recorder);
    }
    if (task.outcome === 'ok') recorder.elements?.(task.elements);
    recorder.wait?.(task.waitSeconds);
    recorder.run(task.runSeconds);
  }
}

/** `/activations/gelu` becomes route `/activations/:name` and function `gelu`: one route label for all functions. */
function routeLabels(url: string | undefined): { route: string; fn: string } {
  if (url === undefined) return { route: UNMATCHED_ROUTE, fn: '' };
  const match = COMPUTE_ROUTE.exec(url);
  return match ? { route: `/${match[1]}/:name`, fn: match[2] } : { route: url, fn: '' };
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

const metricsDecorator: FastifyPluginCallback = (app, _opts, done) => {
  app.decorate('metrics', new Metrics(app.compute, app.drain));
  done();
};

/** Decorates the app with `metrics`; requests are recorded by the lifecycle plugin (lifecycle.ts). */
export const metricsPlugin = fp(metricsDecorator, { name: 'metrics', decorators: { fastify: ['compute', 'drain'] } });
