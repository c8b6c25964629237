// The worker thread loads the core kernels and nothing of Fastify.
import t from 'tap';
import { WorkerPool } from '../../src/pool/pool.js';

t.test('a worker thread has not loaded Fastify or any Fastify plugin', async (t) => {
  const pool = new WorkerPool({ threads: 1, memory: { arena: new SharedArrayBuffer(8), flags: new SharedArrayBuffer(4) } });
  t.teardown(() => pool.close());
  const modules = (await pool.run(undefined, { name: 'loadedModules' })) as string[];
  // The probe reads the worker's own module cache: piscina's worker script is always in it.
  t.ok(modules.some((m) => /[\\/]piscina[\\/]dist[\\/]worker\.js$/.test(m)), 'the cache lists the worker thread modules');
  t.same(modules.filter((m) => m.includes('fastify')), [], 'no module path mentions fastify');
});
