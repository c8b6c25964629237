// The compute plugin: starts the worker pool, decorates the app with the compute service, closes both.
import { availableParallelism } from 'node:os';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { createPool } from './pool.js';
import { PooledCompute } from './service.js';

export const computePlugin = fp<{ config: Config }>(
  async (app, { config }) => {
    const threads = config.POOL_THREADS === 0 ? availableParallelism() : config.POOL_THREADS;
    const pool = createPool(threads);
    // piscina emits 'error' for a worker that fails outside a task (at start-up, say) and when
    // close() times out; an unheard 'error' event would crash the process.
    pool.on('error', (err: unknown) => app.log.error({ err }, 'worker pool error'));
    app.decorate(
      'compute',
      new PooledCompute(pool, { threads, queue: config.POOL_QUEUE, inlineMaxWork: config.INLINE_MAX_WORK }),
    );
    // Lets running tasks finish, then ends the threads; fastify-piscina forgets this step.
    app.addHook('onClose', async () => {
      await pool.close();
    });
  },
  { name: 'compute' },
);
