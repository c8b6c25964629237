// The compute plugin: starts the worker pool, decorates the app with the compute service, closes both.
import { availableParallelism } from 'node:os';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { memoryBudget } from '../memory/budget.js';
import { PooledCompute } from './service.js';

/** The crossover with two workers or more (crossover.ts); with one, nothing goes to the pool but large JSON. */
export const DEFAULT_INLINE_MAX_WORK = 200_000;

export function poolThreads(config: Config): number {
  return config.POOL_THREADS === 0 ? availableParallelism() : config.POOL_THREADS;
}

export function inlineMaxWork(config: Config, threads: number): number {
  if (config.INLINE_MAX_WORK !== 'auto') return config.INLINE_MAX_WORK;
  return threads >= 2 ? DEFAULT_INLINE_MAX_WORK : Infinity;
}

export const computePlugin = fp<{ config: Config }>(
  async (app, { config }) => {
    const threads = poolThreads(config);
    const budget = memoryBudget(config.MEMORY_BUDGET_BYTES);
    const compute = new PooledCompute({
      threads,
      queue: config.POOL_QUEUE,
      inlineMaxWork: inlineMaxWork(config, threads),
      budgetBytes: budget.bytes,
      prefault: budget.source !== 'machine',
      taskTimeoutMs: config.TASK_TIMEOUT_MS,
      workerHeapMb: config.WORKER_HEAP_MB === 0 ? undefined : config.WORKER_HEAP_MB,
    });
    // piscina emits 'error' for a worker that fails outside a task (at start-up, say) and when
    // close() times out; an unheard 'error' event would crash the process.
    compute.pool.on('error', (err: unknown) => app.log.error({ err }, 'worker pool error'));
    app.decorate('compute', compute);
    // Lets running tasks finish, then ends the threads; fastify-piscina forgets this step.
    app.addHook('onClose', async () => {
      await compute.pool.close();
    });
  },
  { name: 'compute' },
);
