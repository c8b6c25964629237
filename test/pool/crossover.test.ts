// The inline/pool decision: work = elements x cost class, against INLINE_MAX_WORK.
import t from 'tap';
import type { Tensor } from '../../src/core/definition.js';
import { registry } from '../../src/core/registry.js';
import { COPY_WORK_PER_BYTE, COST_CLASSES, FUNCTION_COSTS, forwardWork, backwardWork } from '../../src/pool/crossover.js';
import type { FastifyInstance } from 'fastify';
import type { Lease } from '../../src/pool/admission.js';
import { testApp } from '../helpers/app.js';
import { testLease } from '../helpers/lease.js';
import { placesOf } from '../helpers/places.js';

t.test('every catalogue function has a cost class, and the table names no other', async (t) => {
  t.same(Object.keys(FUNCTION_COSTS).sort(), registry.names().sort());
  t.equal(COST_CLASSES[FUNCTION_COSTS.relu[0]], 1, 'relu forward is the unit of work');
});

t.test('a function missing from the table counts as the heaviest class', async (t) => {
  const unknown = { ...registry.get('relu')!, name: 'not_in_the_table' };
  t.equal(forwardWork(unknown, 10), 10 * COST_CLASSES.heavy);
  t.equal(backwardWork(unknown, 10), 10 * COST_CLASSES.heavy);
});

/**
 * n zeros in an ordinary ArrayBuffer, or (with a lease) in the arena, where the pool reads them
 * without a copy: part of an array large enough to be an arena region (64 KiB and up).
 */
function zeros(n: number, app?: FastifyInstance, lease?: Lease): Tensor {
  if (app === undefined || lease === undefined) return { data: new Float64Array(n), shape: [n] };
  return { data: app.compute.array(new Float64Array(0), Math.max(n, 8192), lease).subarray(0, n).fill(0), shape: [n] };
}

t.test('work below INLINE_MAX_WORK runs inline, from it on in the pool', async (t) => {
  const app = await testApp(t, { POOL_THREADS: '1', INLINE_MAX_WORK: '3000' });
  const places = placesOf(app);
  const lease = testLease(t, app);
  for (const name of ['relu', 'sigmoid', 'softmax']) {
    const def = registry.get(name)!;
    const cost = COST_CLASSES[FUNCTION_COSTS[name][0]];
    const limit = Math.ceil(3000 / cost); // the fewest elements with work >= 3000
    const params = name === 'softmax' ? { dim: -1 } : {};
    await app.compute.forward(def, zeros(limit - 1), params);
    await app.compute.forward(def, zeros(limit, app, lease), params);
    t.same(places(), ['inline', 'pool'], `${name}: ${limit - 1} elements inline, ${limit} in the pool`);
  }
  // A function whose backward is in a dearer class than its forward: one batch, both paths.
  const [name] = Object.entries(FUNCTION_COSTS).find(([, [f, b]]) => COST_CLASSES[b] > COST_CLASSES[f]) ?? [];
  if (name === undefined) throw new Error('the table has no function with a dearer backward');
  const def = registry.get(name)!;
  const n = Math.ceil(3000 / COST_CLASSES[FUNCTION_COSTS[name][1]]);
  t.ok(forwardWork(def, n) < 3000 && backwardWork(def, n) >= 3000);
  const params = def.kind === 'elementwise' ? {} : { dim: -1 };
  const x = zeros(n, app, lease);
  await app.compute.forward(def, x, params);
  await app.compute.backward(def, x, x, params, 'torch');
  t.same(places(), ['inline', 'pool'], `${name}: forward inline, backward in the pool`);
});

t.test('inputs that would need copying into the arena stay inline when the copy costs as much as the work', async (t) => {
  const app = await testApp(t, { POOL_THREADS: '1', INLINE_MAX_WORK: '1' });
  const places = placesOf(app);
  const lease = testLease(t, app);
  const n = 5000;
  // Per float64 element the copy costs 8 * COPY_WORK_PER_BYTE units: more than relu, less than tanh.
  t.ok(COST_CLASSES[FUNCTION_COSTS.relu[0]] <= 8 * COPY_WORK_PER_BYTE && COST_CLASSES[FUNCTION_COSTS.tanh[0]] > 8 * COPY_WORK_PER_BYTE);
  const relu = registry.get('relu')!;
  const tanh = registry.get('tanh')!;
  await app.compute.forward(relu, zeros(n), {});
  await app.compute.forward(relu, zeros(n, app, lease), {});
  await app.compute.forward(tanh, zeros(n), {});
  t.same(places(), ['inline', 'pool', 'pool'], 'relu: ordinary memory inline, arena in the pool; tanh: copied into the arena');
  // Backward copies x and grad_output: twice the bytes.
  await app.compute.backward(relu, zeros(n), zeros(n), {}, 'torch');
  const arena = zeros(n, app, lease);
  await app.compute.backward(relu, arena, arena, {}, 'torch');
  await app.compute.backward(tanh, zeros(n), zeros(n), {}, 'torch');
  t.same(places(), ['inline', 'pool', 'pool'], 'the same for backward passes');
});
