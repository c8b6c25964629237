// The binary transport end to end: float32/float64 bodies, shapes, query params, gradients, errors.
import t from 'tap';
import { registry } from '../../src/core/registry.js';
import { testApp } from '../helpers/app.js';

const bin = (a: Float32Array | Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const f64 = (b: Buffer) => new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
const f32 = (b: Buffer) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));

function post(url: string, body: Buffer, headers: Record<string, string>) {
  return { method: 'POST' as const, url, payload: body, headers: { 'content-type': 'application/octet-stream', ...headers } };
}

t.test('float64 forward with a binary answer equals the JSON answer', async (t) => {
  const app = await testApp(t);
  const x = new Float64Array([-1.5, 0, 2.25, 3, -4, 0.5]);
  const res = await app.inject(post('/activations/gelu?approximate=tanh', bin(x), {
    'x-dtype': 'float64', 'x-shape': '2,3', accept: 'application/octet-stream',
  }));
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.headers['content-type'], 'application/octet-stream');
  t.equal(res.headers['x-dtype'], 'float64');
  t.equal(res.headers['x-shape'], '2,3');
  const json = await app.inject({ method: 'POST', url: '/activations/gelu', payload: { x: [[-1.5, 0, 2.25], [3, -4, 0.5]], params: { approximate: 'tanh' } } });
  t.same([...f64(res.rawPayload)], json.json().y.flat());
});

t.test('float32 is computed in float64 and rounded once', async (t) => {
  const app = await testApp(t);
  const x = new Float32Array([-3.5, -0.1, 0, 0.7, 12]);
  const res = await app.inject(post('/activations/sigmoid', bin(x), { 'x-dtype': 'float32', accept: 'application/octet-stream' }));
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.headers['x-dtype'], 'float32');
  t.equal(res.headers['x-shape'], '5', 'X-Shape defaults to one axis');
  const wide = registry.get('sigmoid')!.forward({ data: Float64Array.from(x), shape: [5] }, {});
  t.same([...f32(res.rawPayload)], [...wide.data].map(Math.fround));
});

t.test('a binary request may take a JSON answer, and a JSON request a binary one', async (t) => {
  const app = await testApp(t);
  const x = new Float64Array([-2, 2]);
  const asJson = await app.inject(post('/activations/leaky_relu?negative_slope=0.25', bin(x), { 'x-dtype': 'float64' }));
  t.same(asJson.json(), { name: 'leaky_relu', shape: [2], y: [-0.5, 2], params: { negative_slope: 0.25 } });
  const asBinary = await app.inject({
    method: 'POST', url: '/activations/relu', payload: { x: [[-1, 2]] }, headers: { accept: 'application/octet-stream' },
  });
  t.equal(asBinary.headers['x-shape'], '1,2');
  t.same([...f64(asBinary.rawPayload)], [0, 2]);
});

t.test('IEEE values pass through: NaN propagates, infinities give the limits', async (t) => {
  const app = await testApp(t);
  const x = new Float64Array([NaN, Infinity, -Infinity]);
  const headers = { 'x-dtype': 'float64', accept: 'application/octet-stream' };
  const cases: Array<[string, number[]]> = [
    ['softsign', [NaN, 1, -1]],
    ['gelu', [NaN, Infinity, 0]],
    ['sigmoid', [NaN, 1, 0]],
    ['relu', [NaN, Infinity, 0]],
  ];
  for (const [name, want] of cases) {
    const res = await app.inject(post(`/activations/${name}`, bin(x), headers));
    t.equal(res.statusCode, 200, `${name}: ${res.body}`);
    const got = [...f64(res.rawPayload)];
    t.same(got.map(String), want.map(String), name);
  }
  const json = await app.inject(post('/activations/relu', bin(x), { 'x-dtype': 'float64' }));
  t.same([json.statusCode, json.json().code], [422, 'RECTIFIER_NON_FINITE_RESULT'], 'a JSON answer cannot carry NaN');
  t.match(json.json().message, /application\/octet-stream/);
});

t.test('gradients: x then grad_output in one body, or x alone with grad_output = ones', async (t) => {
  const app = await testApp(t);
  const x = new Float64Array([-1, 2, -3, -4]);
  const g = new Float64Array([2, 5, 1, 0.5]);
  const both = new Float64Array([...x, ...g]);
  const res = await app.inject(post('/gradients/prelu?alpha=0.1,0.2', bin(both), {
    'x-dtype': 'float64', 'x-shape': '2,2', accept: 'application/octet-stream',
  }));
  t.equal(res.statusCode, 200, res.body);
  t.same([...f64(res.rawPayload)], [2 * 0.1, 5, 1 * 0.1, 0.5 * 0.2]);
  t.same(JSON.parse(String(res.headers['x-grad-params'])), { alpha: [-5, -2] });
  t.equal(res.headers['x-kink'], 'torch');
  const alone = await app.inject(post('/gradients/relu?kink=right', bin(new Float64Array([-1, 0, 1])), {
    'x-dtype': 'float64', 'x-shape': '3', accept: 'application/octet-stream',
  }));
  t.same([...f64(alone.rawPayload)], [0, 1, 1]);
  const reduced = await app.inject(post('/gradients/logsumexp', bin(new Float64Array([0, 0, 0, 0, 5])), {
    'x-dtype': 'float64', 'x-shape': '2,2',
  }));
  t.equal(reduced.statusCode, 400, 'logsumexp of [2,2] has 2 outputs: 4 + 2 values expected, 5 sent');
  t.match(reduced.json().message, /needs 32 bytes \(x alone\) or 48 bytes \(x then grad_output\), the body has 40/);
});

t.test('inconsistent binary bodies are a 400 stating the expected length', async (t) => {
  const app = await testApp(t);
  const x = bin(new Float64Array([1, 2, 3]));
  const cases: Array<[string, Buffer, Record<string, string>, string, RegExp]> = [
    ['no dtype', x, {}, 'RECTIFIER_INVALID_BINARY', /X-Dtype is required/],
    ['bad dtype', x, { 'x-dtype': 'int8' }, 'RECTIFIER_INVALID_BINARY', /float32 or float64, got 'int8'/],
    ['shape disagrees', x, { 'x-dtype': 'float64', 'x-shape': '2,2' }, 'RECTIFIER_INVALID_BINARY', /needs 32 bytes, the body has 24/],
    ['ragged bytes', x.subarray(0, 20), { 'x-dtype': 'float64' }, 'RECTIFIER_INVALID_BINARY', /20 bytes, not a whole number of float64/],
    ['bad shape', x, { 'x-dtype': 'float64', 'x-shape': '3,-1' }, 'RECTIFIER_INVALID_BINARY', /X-Shape must be/],
    ['unknown param', x, { 'x-dtype': 'float64' }, 'RECTIFIER_INVALID_PARAMS', /known|negative_slop/],
  ];
  for (const [what, body, headers, code, message] of cases) {
    const url = what === 'unknown param' ? '/activations/leaky_relu?negative_slop=1' : '/activations/relu';
    const res = await app.inject(post(url, body, headers));
    t.equal(res.statusCode, 400, `${what}: ${res.body}`);
    t.equal(res.json().code, code, what);
    t.match(res.json().message, message, what);
  }
  const badValue = await app.inject(post('/activations/softplus?beta=abc', x, { 'x-dtype': 'float64' }));
  t.same([badValue.statusCode, badValue.json().code], [400, 'RECTIFIER_INVALID_PARAMS']);
  t.match(badValue.json().message, /params\.beta/);
  const noShape = await app.inject(post('/gradients/relu', x, { 'x-dtype': 'float64' }));
  t.match(noShape.json().message, /X-Shape is required for binary gradient requests/);
  const jsonWithQuery = await app.inject({ method: 'POST', url: '/activations/elu?alpha=2', payload: { x: 1 } });
  t.same([jsonWithQuery.statusCode, jsonWithQuery.json().code], [400, 'RECTIFIER_INVALID_PARAMS']);
});

t.test('binary limits: element count and body size, each a 413 naming the limit', async (t) => {
  const app = await testApp(t, { BINARY_MAX_ELEMENTS: '4', BINARY_BODY_LIMIT: '1024' });
  const many = await app.inject(post('/activations/relu', bin(new Float32Array(5)), { 'x-dtype': 'float32' }));
  t.same([many.statusCode, many.json().code], [413, 'RECTIFIER_TOO_MANY_ELEMENTS']);
  t.match(many.json().message, /limit of 4/);
  const big = await app.inject(post('/activations/relu', Buffer.alloc(2048), { 'x-dtype': 'float32' }));
  t.same([big.statusCode, big.json().code], [413, 'RECTIFIER_BODY_TOO_LARGE']);
  t.match(big.json().message, /binary body limit of 1024 bytes/);
});
