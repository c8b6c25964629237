// The inline/pool decision: work = elements x cost class, against INLINE_MAX_WORK.
import t from 'tap';
import type { Tensor } from '../../src/core/definition.js';
import { registry } from '../../src/core/registry.js';
import { COPY_WORK_PER_BYTE, COST_CLASSES, FUNCTION_COSTS, forwardWork, backwardWork } from '../../src/pool/crossover.js';
import { testApp } from '../helpers/app.js';

t.test('every catalogue function has a cost class, and the table names no other', async (t) => {
  t.same(Object.keys(FUNCTION_COSTS).sort(), registry.names().sort());
  t.equal(COST_CLASSES[FUNCTION_COSTS.relu[0]], 1, 'relu forward is the unit of work');
});

t.test('a function missing from the table counts as the heaviest class', async (t) => {
  const unknown = { ...registry.get('relu')!, name: 'not_in_the_table' };
  t.equal(forwardWork(unknown, 10), 10 * COST_CLASSES.heavy);
  t.equal(backwardWork(unknown, 10), 10 * COST_CLASSES.heavy);
});

/** n zeros, in shared memory (nothing to copy for the pool) or in an ordinary ArrayBuffer. */
function zeros(n: number, inShared = true): Tensor {
  return { data: inShared ? new Float64Array(new SharedArrayBuffer(n * 8)) : new Float64Array(n), shape: [n] };
}

t.test('work below INLINE_MAX_WORK runs inline, from it on in the pool', async (t) => {
  const app = await testApp(t, { POOL_THREADS: '1', INLINE_MAX_WORK: '3000' });
  for (const name of ['relu', 'sigmoid', 'softmax']) {
    const def = registry.get(name)!;
    const cost = COST_CLASSES[FUNCTION_COSTS[name][0]];
    const limit = Math.ceil(3000 / cost); // the fewest elements with work >= 3000
    const params = name === 'softmax' ? { dim: -1 } : {};
    const below = await app.compute.forward(def, zeros(limit - 1), params);
    const at = await app.compute.forward(def, zeros(limit), params);
    // Only the pool path answers in shared memory.
    t.notOk(below.data.buffer instanceof SharedArrayBuffer, `${name}: ${limit - 1} elements inline`);
    t.ok(at.data.buffer instanceof SharedArrayBuffer, `${name}: ${limit} elements in the pool`);
  }
  // A function whose backward is in a dearer class than its forward: one batch, both paths.
  const [name] = Object.entries(FUNCTION_COSTS).find(([, [f, b]]) => COST_CLASSES[b] > COST_CLASSES[f]) ?? [];
  if (name === undefined) throw new Error('the table has no function with a dearer backward');
  const def = registry.get(name)!;
  const n = Math.ceil(3000 / COST_CLASSES[FUNCTION_COSTS[name][1]]);
  t.ok(forwardWork(def, n) < 3000 && backwardWork(def, n) >= 3000);
  const params = def.kind === 'elementwise' ? {} : { dim: -1 };
  const x = zeros(n);
  const y = await app.compute.forward(def, x, params);
  const g = await app.compute.backward(def, x, x, params, 'torch');
  t.notOk(y.data.buffer instanceof SharedArrayBuffer, `${name}: forward inline`);
  t.ok(g.gradInput.data.buffer instanceof SharedArrayBuffer, `${name}: backward in the pool`);
});

t.test('inputs that would need copying into shared memory stay inline when the copy costs as much as the work', async (t) => {
  const app = await testApp(t, { POOL_THREADS: '1', INLINE_MAX_WORK: '0' });
  const n = 5000;
  const inPool = (y: Tensor) => y.data.buffer instanceof SharedArrayBuffer;
  // Per float64 element the copy costs 8 * COPY_WORK_PER_BYTE units: more than relu, less than tanh.
  t.ok(COST_CLASSES[FUNCTION_COSTS.relu[0]] <= 8 * COPY_WORK_PER_BYTE && COST_CLASSES[FUNCTION_COSTS.tanh[0]] > 8 * COPY_WORK_PER_BYTE);
  const relu = registry.get('relu')!;
  const tanh = registry.get('tanh')!;
  t.notOk(inPool(await app.compute.forward(relu, zeros(n, false), {})), 'relu, ordinary memory: inline');
  t.ok(inPool(await app.compute.forward(relu, zeros(n, true), {})), 'relu, shared memory: pool');
  t.ok(inPool(await app.compute.forward(tanh, zeros(n, false), {})), 'tanh, ordinary memory: pool (copied)');
  // Backward copies x and grad_output: twice the bytes.
  t.notOk(inPool((await app.compute.backward(relu, zeros(n, false), zeros(n, false), {}, 'torch')).gradInput), 'relu backward, ordinary');
  t.ok(inPool((await app.compute.backward(relu, zeros(n, true), zeros(n, true), {}, 'torch')).gradInput), 'relu backward, shared');
  const tanhOut = await app.compute.backward(tanh, zeros(n, false), zeros(n, false), {}, 'torch');
  t.ok(inPool(tanhOut.gradInput), 'tanh backward, ordinary memory: pool (copied)');
});
