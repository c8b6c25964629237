// POST /activations/{name}: every function answers; bad input gets its documented status and code.
import t from 'tap';
import { registry } from '../../src/core/registry.js';
import { postJson, testApp } from '../helpers/app.js';
import { sampleRequest } from '../helpers/requests.js';


t.test('every function answers a forward request with its effective params', async (t) => {
  const app = await testApp(t);
  for (const name of registry.names()) {
    const def = registry.get(name)!;
    const req = sampleRequest(name);
    const res = await postJson(app, `/activations/${name}`, req);
    t.equal(res.status, 200, `${name}: ${JSON.stringify(res.body)}`);
    t.equal(res.body.name, name);
    const expected = def.forward({ data: new Float64Array(req.x.flat()), shape: [2, 4] }, res.body.params);
    t.same(res.body.shape, expected.shape, `${name} shape`);
    t.same((res.body.y as number[][]).flat(), [...expected.data], `${name} y equals the core's`);
    for (const key of Object.keys(def.params.properties)) {
      t.ok(key in res.body.params, `${name} echoes ${key}`);
    }
  }
});

t.test('leaky_relu: the DESIGN example, params echoed', async (t) => {
  const app = await testApp(t);
  const res = await postJson(app, '/activations/leaky_relu', {
    x: [[-1.5, 0, 2.25], [3, -4, 0.5]],
    params: { negative_slope: 0.1 },
  });
  t.equal(res.status, 200);
  t.same(res.body, {
    name: 'leaky_relu',
    shape: [2, 3],
    y: [[-1.5 * 0.1, 0, 2.25], [3, -4 * 0.1, 0.5]],
    params: { negative_slope: 0.1 },
  });
  t.match(res.headers['x-request-id'], /./);
});

t.test('rank 0 and rank 8 are accepted; rank 9 is not', async (t) => {
  const app = await testApp(t);
  const scalar = await postJson(app, '/activations/relu', { x: -2 });
  t.same([scalar.status, scalar.body.shape, scalar.body.y], [200, [], 0]);
  let deep: unknown = [1];
  for (let i = 1; i < 8; i++) deep = [deep];
  const r8 = await postJson(app, '/activations/relu', { x: deep });
  t.same([r8.status, r8.body.shape], [200, [1, 1, 1, 1, 1, 1, 1, 1]]);
  const r9 = await postJson(app, '/activations/relu', { x: [deep] });
  t.same([r9.status, r9.body.code], [400, 'RECTIFIER_INVALID_TENSOR']);
  t.match(r9.body.message, /maximum rank 8/);
});

t.test('bad inputs: status, code and a message naming the field or index', async (t) => {
  const app = await testApp(t);
  const cases: Array<[string, string | object, number, string, RegExp]> = [
    ['ragged', { x: [[1, 2], [3]] }, 400, 'RECTIFIER_INVALID_TENSOR', /x\[1\]: ragged/],
    ['ragged deeper', { x: [[1, 2], [3, [4]]] }, 400, 'RECTIFIER_INVALID_TENSOR', /x\[1\]\[1\]: ragged/],
    ['string element', { x: [1, '2'] }, 400, 'RECTIFIER_INVALID_TENSOR', /x\[1\]: expected a number, got a string/],
    ['boolean element', { x: [[1, true]] }, 400, 'RECTIFIER_INVALID_TENSOR', /x\[0\]\[1\]: expected a number, got a boolean/],
    ['null element', { x: [null] }, 400, 'RECTIFIER_INVALID_TENSOR', /x\[0\]: expected a number, got null/],
    ['1e400', '{"x":[0,1e400]}', 400, 'RECTIFIER_INVALID_TENSOR', /x\[1\]: not a finite number/],
    ['-1e400 scalar', '{"x":-1e400}', 400, 'RECTIFIER_INVALID_BODY', /x/],
    ['empty', { x: [] }, 400, 'RECTIFIER_INVALID_TENSOR', /empty/],
    ['x a string', { x: 'abc' }, 400, 'RECTIFIER_INVALID_BODY', /^x /],
    ['x missing', { params: {} }, 400, 'RECTIFIER_INVALID_BODY', /'x'/],
    ['unknown top-level field', { x: 1, y: 2 }, 400, 'RECTIFIER_INVALID_BODY', /y is not a known field/],
    ['unknown param', { x: 1, params: { negative_slop: 0.1 } }, 400, 'RECTIFIER_INVALID_PARAMS', /params\.negative_slop is not a known field \(known: negative_slope\)/],
    ['param as string', { x: 1, params: { negative_slope: '0.1' } }, 400, 'RECTIFIER_INVALID_PARAMS', /params\.negative_slope must be number/],
    ['param as boolean', { x: 1, params: { negative_slope: true } }, 400, 'RECTIFIER_INVALID_PARAMS', /params\.negative_slope/],
    ['param null', { x: 1, params: { negative_slope: null } }, 400, 'RECTIFIER_INVALID_PARAMS', /params\.negative_slope/],
    ['params not an object', { x: 1, params: [0.1] }, 400, 'RECTIFIER_INVALID_PARAMS', /params must be object/],
    ['malformed JSON', '{"x": [1, 2', 400, 'RECTIFIER_INVALID_JSON', /not valid JSON/],
    ['body an array', '[1, 2]', 400, 'RECTIFIER_INVALID_BODY', /the body must be object/],
  ];
  for (const [what, body, status, code, message] of cases) {
    const res = await app.inject({
      method: 'POST',
      url: '/activations/leaky_relu',
      headers: { 'content-type': 'application/json' },
      payload: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const json = res.json();
    t.equal(res.statusCode, status, `${what}: ${res.body}`);
    t.equal(json.code, code, `${what} code`);
    t.match(json.message, message, `${what} message`);
    t.same(Object.keys(json).sort(), ['code', 'error', 'message', 'statusCode'], `${what} body shape`);
  }
});

t.test('required params: threshold without them is a 400 naming the field', async (t) => {
  const app = await testApp(t);
  const res = await postJson(app, '/activations/threshold', { x: [1, 2] });
  t.equal(res.status, 400);
  t.equal(res.body.code, 'RECTIFIER_INVALID_PARAMS');
  t.match(res.body.message, /params must have the field '(threshold|value)'/);
});

t.test('100 000-deep nesting is a 400, not a crash', async (t) => {
  const app = await testApp(t);
  const depth = 100_000;
  const res = await app.inject({
    method: 'POST',
    url: '/activations/relu',
    headers: { 'content-type': 'application/json' },
    payload: `{"x":${'['.repeat(depth)}1${']'.repeat(depth)}}`,
  });
  t.equal(res.statusCode, 400);
  t.equal(res.json().code, 'RECTIFIER_INVALID_TENSOR');
});

t.test('unknown function: 404 listing close names', async (t) => {
  const app = await testApp(t);
  const res = await postJson(app, '/activations/leaky_rellu', { x: 1 });
  t.equal(res.status, 404);
  t.equal(res.body.code, 'RECTIFIER_UNKNOWN_FUNCTION');
  t.match(res.body.message, /Did you mean leaky_relu/);
  const none = await postJson(app, '/activations/zzzzzzzzzzzzzzz', { x: 1 });
  t.equal(none.status, 404);
  t.notMatch(none.body.message, /Did you mean/);
});

t.test('media types and negotiation: 415, 406, 413', async (t) => {
  const app = await testApp(t, { JSON_MAX_ELEMENTS: '10', JSON_BODY_LIMIT: '2048' });
  const text = await app.inject({ method: 'POST', url: '/activations/relu', headers: { 'content-type': 'text/plain' }, payload: '1' });
  t.same([text.statusCode, text.json().code], [415, 'RECTIFIER_UNSUPPORTED_MEDIA_TYPE']);
  const html = await app.inject({
    method: 'POST', url: '/activations/relu', headers: { accept: 'text/html', 'content-type': 'application/json' }, payload: '{"x":1}',
  });
  t.same([html.statusCode, html.json().code], [406, 'RECTIFIER_NOT_ACCEPTABLE']);
  const wildcard = await app.inject({
    method: 'POST', url: '/activations/relu', headers: { accept: 'text/html, */*;q=0.1', 'content-type': 'application/json' }, payload: '{"x":1}',
  });
  t.equal(wildcard.statusCode, 200);
  const many = await postJson(app, '/activations/relu', { x: Array.from({ length: 11 }, () => 1) });
  t.same([many.status, many.body.code], [413, 'RECTIFIER_TOO_MANY_ELEMENTS']);
  t.match(many.body.message, /11 elements .* limit of 10/);
  const big = await app.inject({
    method: 'POST', url: '/activations/relu', headers: { 'content-type': 'application/json' }, payload: `{"x":[${'1,'.repeat(2000)}1]}`,
  });
  t.same([big.statusCode, big.json().code], [413, 'RECTIFIER_BODY_TOO_LARGE']);
});

t.test('a result JSON cannot carry is a 422 pointing to the binary transport', async (t) => {
  const app = await testApp(t);
  // A finite input and a finite parameter whose product overflows: -1e308 * 10 = -Infinity.
  const res = await postJson(app, '/activations/leaky_relu', { x: [1, -1e308], params: { negative_slope: 10 } });
  t.equal(res.status, 422);
  t.equal(res.body.code, 'RECTIFIER_NON_FINITE_RESULT');
  t.match(res.body.message, /y has a non-finite value \(-Infinity\) at flat index 1/);
});

t.test('unknown routes answer the error body', async (t) => {
  const app = await testApp(t);
  const res = await app.inject({ method: 'GET', url: '/nope' });
  t.same([res.statusCode, res.json().code], [404, 'RECTIFIER_NOT_FOUND']);
});
