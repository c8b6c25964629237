// Bodies built to wedge or crash the service: deep nesting in every field, small and large enough for a worker.
import t from 'tap';
import { testApp } from '../helpers/app.js';

/** Offloaded from 1 KiB on, so both parse paths (event loop and worker) see every body. */
const OFFLOAD = { JSON_OFFLOAD_BYTES: '1024', POOL_THREADS: '2', POOL_QUEUE: '2', INLINE_MAX_WORK: '1000' };

const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const deepArray = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
/** Padding that takes a body past the offload threshold without changing its meaning. */
const pad = (bytes: number) => `,"pad_${bytes}":"${'x'.repeat(bytes)}"`;

/** Every place a deep value can hide, at the depths that wedged the pool (2,000–27,000) and crashed a worker (50,000). */
function variants(): Array<{ what: string; body: string }> {
  const out: Array<{ what: string; body: string }> = [];
  for (const depth of [2_000, 27_000, 50_000]) {
    for (const padBytes of [0, 300_000]) {
      const size = padBytes === 0 ? 'small' : 'large';
      out.push(
        { what: `${size}, params ${depth} deep`, body: `{"x":[1,2],"params":${deepObject(depth)}}` },
        { what: `${size}, unknown key ${depth} deep`, body: `{"x":[1,2],"junk":${deepObject(depth)}${padBytes ? pad(padBytes) : ''}}` },
        { what: `${size}, x ${depth} deep`, body: `{"x":${deepArray(depth)}${padBytes ? pad(padBytes) : ''}}` },
        { what: `${size}, grad_output ${depth} deep`, body: `{"x":[1],"grad_output":${deepArray(depth)}${padBytes ? pad(padBytes) : ''}}` },
        { what: `${size}, a deep top-level array`, body: deepArray(depth) },
      );
    }
  }
  return out;
}

t.test('every deep body is a 400 from the catalogue, on both parse paths, and the pool stays healthy', async (t) => {
  const app = await testApp(t, OFFLOAD);
  for (const { what, body } of variants()) {
    for (const url of ['/activations/relu', '/gradients/prelu']) {
      const res = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: body });
      t.equal(res.statusCode, 400, `${url}, ${what}: ${res.body.slice(0, 160)}`);
      t.match(res.json().code, /^RECTIFIER_INVALID_(BODY|TENSOR)$/, `${url}, ${what}`);
    }
  }
  // More than the admission capacity of such requests in a row: none may keep a slot, a worker or memory.
  t.match(app.compute.stats(), { inFlight: 0, leases: 0, reservedBytes: 0, busy: 0, queued: 0, workerExits: 0, liveWorkers: 2 });
  const big = { x: Array.from({ length: 5000 }, (_, i) => i / 100 - 25) };
  const ok = await app.inject({ method: 'POST', url: '/activations/gelu', payload: big });
  t.equal(ok.statusCode, 200, 'a large request still goes through the pool');
  t.equal((await app.inject({ method: 'GET', url: '/health/ready' })).json().status, 'ready');
});

t.test('a deep x says what is wrong with x, whatever its depth', async (t) => {
  const app = await testApp(t, OFFLOAD);
  for (const depth of [9, 64, 65, 100_000]) {
    const res = await app.inject({ method: 'POST', url: '/activations/relu', headers: { 'content-type': 'application/json' }, payload: `{"x":${deepArray(depth)}}` });
    t.same([res.statusCode, res.json().code, res.json().message], [400, 'RECTIFIER_INVALID_TENSOR', 'x: nested deeper than the maximum rank 8'], `depth ${depth}`);
  }
});

t.test('a body with more values than its tensors could hold is refused before it is parsed', async (t) => {
  const app = await testApp(t, { ...OFFLOAD, JSON_MAX_ELEMENTS: '1000' });
  const res = await app.inject({
    method: 'POST',
    url: '/activations/relu',
    headers: { 'content-type': 'application/json' },
    payload: `{"x":[1],"junk":[${'0,'.repeat(20_000)}0]}`,
  });
  t.equal(res.statusCode, 413);
  t.equal(res.json().code, 'RECTIFIER_TOO_MANY_ELEMENTS');
});

t.test('__proto__ keys are refused the same way on both paths', async (t) => {
  const inline = await testApp(t, { JSON_OFFLOAD_BYTES: '1000000' });
  const offload = await testApp(t, OFFLOAD);
  const body = `{"x":[1,2],"__proto__":{"polluted":true}${pad(2000)}}`;
  for (const app of [inline, offload]) {
    const res = await app.inject({ method: 'POST', url: '/activations/relu', headers: { 'content-type': 'application/json' }, payload: body });
    t.same([res.statusCode, res.json().code], [400, 'RECTIFIER_INVALID_JSON']);
  }
  t.equal(({} as Record<string, unknown>).polluted, undefined);
});
