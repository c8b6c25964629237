// The inline path and the pool path (split across workers) run the same kernels: identical bytes.
import t from 'tap';
import { Value } from '@sinclair/typebox/value';
import type { FastifyInstance } from 'fastify';
import type { ActivationDefinition, FloatArray, ParamValues, Tensor } from '../../src/core/definition.js';
import { registry } from '../../src/core/registry.js';
import { sizeOf } from '../../src/core/tensor.js';
import { testApp } from '../helpers/app.js';
import { placesOf } from '../helpers/places.js';
import { sampleRequest } from '../helpers/requests.js';

const SHAPE = [7, 6, 10];
type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

/** Deterministic inputs in [-6, 6] with zeros, signed zero and a few large and tiny magnitudes. */
function input(Type: Ctor, n: number, seed: number): FloatArray {
  const a = new Type(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    a[i] = (s / 2147483648 - 0.5) * 12;
  }
  a.set([0, -0, 40, -40, 1e-30, -1e-30, 700, -700]);
  return a;
}

function bytes(a: FloatArray): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** The cases: every function with its sample params, plus the axis and channel variants worth cutting. */
function cases(): Array<{ def: ActivationDefinition; params: ParamValues; label: string }> {
  const list = registry.all().map((def) => ({ def, params: sampleRequest(def.name).params ?? {}, label: def.name }));
  const extra: Array<[string, ParamValues]> = [
    ['prelu', { alpha: [0.1, -0.2, 0.3, 0.05, 0.5, 0.25] }],
    ['softmax', { dim: 1 }],
    ['softmax', { dim: 0 }],
    ['softmax', { dim: 2 }],
    ['logsumexp', { dim: 2 }],
    ['log_softmax', { dim: -2 }],
    ['logsumexp', { dim: 1, keepdim: true }],
    ['logsumexp', { dim: -1, with_zero: true }],
    ['glu', { dim: 1 }],
    ['elu', { alpha: 0.7 }],
  ];
  for (const [name, params] of extra) list.push({ def: registry.get(name)!, params, label: `${name} ${JSON.stringify(params)}` });
  return list.map((c) => ({ ...c, params: Value.Default(c.def.params, structuredClone(c.params)) as ParamValues }));
}

/** Relative difference in units of float64 epsilon (parameter gradients are sums in another order). */
function closeSum(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 4 * Number.EPSILON * Math.max(Math.abs(a), Math.abs(b));
}

async function run(app: FastifyInstance, def: ActivationDefinition, params: ParamValues, x: Tensor, g: Tensor) {
  const y = await app.compute.forward(def, x, params);
  const grad = await app.compute.backward(def, x, g, params, 'torch');
  return { y, grad };
}

t.test('inline and pool (3 workers, split) give identical bytes, float64 and float32', async (t) => {
  const inline = await testApp(t, { POOL_THREADS: '1', INLINE_MAX_WORK: '1000000000' });
  const pooled = await testApp(t, { POOL_THREADS: '3', INLINE_MAX_WORK: '0' });
  const inlinePlaces = placesOf(inline);
  const pooledPlaces = placesOf(pooled);
  for (const Type of [Float64Array, Float32Array]) {
    for (const { def, params, label } of cases()) {
      const x: Tensor = { data: input(Type, sizeOf(SHAPE), 7), shape: SHAPE };
      const outShape = def.outputShape?.(SHAPE, params as never) ?? SHAPE;
      const g: Tensor = { data: input(Type, sizeOf(outShape), 11), shape: outShape };
      const a = await run(inline, def, params, x, g);
      const b = await run(pooled, def, params, x, g);
      const what = `${label} ${Type.name}`;
      t.same(inlinePlaces(), ['inline', 'inline'], `${what}: inline answer`);
      t.same(pooledPlaces(), ['pool', 'pool'], `${what}: pool answer`);
      t.ok(a.y.data instanceof Type && b.y.data instanceof Type, `${what}: x's element type`);
      t.same(b.y.shape, a.y.shape, `${what}: shape`);
      t.ok(bytes(a.y.data).equals(bytes(b.y.data)), `${what}: forward bytes`);
      t.ok(bytes(a.grad.gradInput.data).equals(bytes(b.grad.gradInput.data)), `${what}: grad_input bytes`);
      t.same(Object.keys(b.grad.gradParams), Object.keys(a.grad.gradParams), `${what}: grad_params keys`);
      for (const [key, value] of Object.entries(a.grad.gradParams)) {
        const other = b.grad.gradParams[key];
        const pairs = typeof value === 'number' ? [[value, other as number]] : value.map((v, c) => [v, (other as number[])[c]]);
        t.ok(pairs.every(([p, q]) => closeSum(p, q)), `${what}: grad_params.${key} ${JSON.stringify(value)} vs ${JSON.stringify(other)}`);
      }
    }
  }
});

t.test('summed parameter gradients are exact when every partial sum is (prelu per channel, leaky_relu)', async (t) => {
  // Multiples of 1/8 times multiples of 1/4: every product and partial sum is a float64 exactly,
  // so any order of summation gives the same bytes and a missing or doubled slice shows.
  const inline = await testApp(t, { POOL_THREADS: '1', INLINE_MAX_WORK: '1000000000' });
  const pooled = await testApp(t, { POOL_THREADS: '3', INLINE_MAX_WORK: '0' });
  const pooledPlaces = placesOf(pooled);
  const n = sizeOf(SHAPE);
  const x: Tensor = { data: input(Float64Array, n, 0), shape: SHAPE };
  const g: Tensor = { data: input(Float64Array, n, 0), shape: SHAPE };
  for (let i = 0; i < n; i++) {
    x.data[i] = ((i * 37) % 129) / 8 - 8;
    g.data[i] = ((i * 11) % 17) / 4 - 2;
  }
  for (const [name, params] of [
    ['prelu', { alpha: [0.1, -0.2, 0.3, 0.05, 0.5, 0.25] }],
    ['prelu', { alpha: 0.25 }],
    ['leaky_relu', { negative_slope: 0.01 }],
  ] as const) {
    const def = registry.get(name)!;
    const a = await inline.compute.backward(def, x, g, params, 'torch');
    const b = await pooled.compute.backward(def, x, g, params, 'torch');
    t.same(pooledPlaces(), ['pool'], `${name}: pool answer`);
    t.same(b.gradParams, a.gradParams, `${name} ${JSON.stringify(params)}`);
    t.ok(bytes(a.gradInput.data).equals(bytes(b.gradInput.data)), `${name}: grad_input bytes`);
  }
});
