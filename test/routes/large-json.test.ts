// Large JSON bodies are parsed, and large answers encoded, in a worker: same bytes as inline.
import t from 'tap';
import { testApp } from '../helpers/app.js';

const rows = (n: number, width: number) =>
  Array.from({ length: n }, (_, r) => Array.from({ length: width }, (_, c) => Math.sin(r * width + c) * 7));

t.test('an offloaded request answers byte for byte what the inline path answers', async (t) => {
  const inline = await testApp(t, { JSON_OFFLOAD_BYTES: '1000000000' });
  const offload = await testApp(t, { JSON_OFFLOAD_BYTES: '1024' });
  const x = rows(64, 64);
  for (const [url, body] of [
    ['/activations/gelu', { x }],
    ['/activations/softmax', { x, params: { dim: 0 } }],
    ['/gradients/prelu', { x, grad_output: rows(64, 64), params: { alpha: Array.from({ length: 64 }, (_, i) => i / 64) } }],
    ['/activations/logsumexp', { x, params: { keepdim: true } }],
  ] as const) {
    const a = await inline.inject({ method: 'POST', url, payload: body });
    const b = await offload.inject({ method: 'POST', url, payload: body });
    t.equal(a.statusCode, 200, `${url}: ${a.body.slice(0, 200)}`);
    t.equal(b.statusCode, 200, `${url} offloaded: ${b.body.slice(0, 200)}`);
    t.ok(a.body === b.body, `${url}: identical bytes`);
  }
});

t.test('offloaded bodies give the same errors as inline ones', async (t) => {
  const inline = await testApp(t, { JSON_OFFLOAD_BYTES: '1000000000', JSON_MAX_ELEMENTS: '4000' });
  const offload = await testApp(t, { JSON_OFFLOAD_BYTES: '1024', JSON_MAX_ELEMENTS: '4000' });
  const big = rows(40, 40);
  const ragged = big.map((r, i) => (i === 17 ? r.slice(1) : r));
  const text = big.map((r, i) => (i === 3 ? r.map((v, j) => (j === 5 ? 'a' : v)) : r));
  const cases: Array<[string, string]> = [
    ['ragged', JSON.stringify({ x: ragged })],
    ['string element', JSON.stringify({ x: text })],
    ['too many', JSON.stringify({ x: rows(80, 80) })],
    ['unknown field', JSON.stringify({ x: big, extra: 1 })],
    ['bad param', JSON.stringify({ x: big, params: { negative_slope: 'steep' } })],
    ['not JSON', `{"x": [${'1,'.repeat(800)}`],
    ['infinite', `{"x": [${'1,'.repeat(800)}1e400]}`],
  ];
  for (const [what, payload] of cases) {
    const opts = { method: 'POST' as const, url: '/activations/leaky_relu', headers: { 'content-type': 'application/json' }, payload };
    const a = await inline.inject(opts);
    const b = await offload.inject(opts);
    t.equal(a.statusCode, b.statusCode, `${what}: status ${a.statusCode}`);
    t.ok(a.statusCode >= 400 && a.statusCode < 500, `${what}: a 4xx`);
    t.equal(b.json().code, a.json().code, `${what}: ${a.json().code}`);
    if (what !== 'not JSON') t.equal(b.json().message, a.json().message, `${what}: same message`);
  }
});
