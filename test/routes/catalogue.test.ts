// GET /activations and /activations/{name}: the whole catalogue, with formulas and parameter schemas.
import t from 'tap';
import { registry } from '../../src/core/registry.js';
import { testApp } from '../helpers/app.js';

// The catalogue of the first version, the names a caller may rely on.
const DESIGN_NAMES = [
  'relu', 'leaky_relu', 'prelu', 'shifted_relu', 'threshold', 'relu6', 'hardtanh', 'elu', 'celu', 'selu',
  'gelu', 'silu', 'swish', 'softplus', 'mish', 'sigmoid', 'tanh', 'logsigmoid', 'softsign', 'tanhshrink',
  'hardsigmoid', 'hardswish', 'softshrink', 'hardshrink', 'softmax', 'log_softmax', 'softmin', 'logsumexp', 'glu',
];

t.test('lists every function of the design with formula, params schema and properties', async (t) => {
  const app = await testApp(t);
  const res = await app.inject({ method: 'GET', url: '/activations' });
  t.equal(res.statusCode, 200);
  const { functions } = res.json();
  t.same(functions.map((f: { name: string }) => f.name).sort(), [...DESIGN_NAMES].sort());
  for (const f of functions) {
    t.ok(f.formula.length > 0 && f.formula !== 'TODO', `${f.name} has a formula`);
    t.ok(f.summary.length > 0 && f.summary !== 'TODO', `${f.name} has a summary`);
    t.equal(f.params.type, 'object', `${f.name} params is a JSON Schema object`);
    t.equal(f.params.additionalProperties, false, `${f.name} params reject unknown keys`);
    t.ok(['elementwise', 'axis', 'reduction'].includes(f.kind), `${f.name} kind`);
    t.match(f.properties, { monotonic: Boolean, smooth: Boolean, bounded: Boolean, zero_centred: Boolean, range: /\S/ });
    for (const p of f.learnable) t.ok(p in f.params.properties, `${f.name}: learnable ${p} is a parameter`);
  }
});

t.test('one function by name; unknown names are a 404 with close names', async (t) => {
  const app = await testApp(t);
  const one = await app.inject({ method: 'GET', url: '/activations/softplus' });
  t.equal(one.statusCode, 200);
  t.match(one.json(), { name: 'softplus', learnable: ['beta'], params: { properties: { beta: { default: 1 } } } });
  const none = await app.inject({ method: 'GET', url: '/activations/softpluss' });
  t.same([none.statusCode, none.json().code], [404, 'RECTIFIER_UNKNOWN_FUNCTION']);
  t.match(none.json().message, /softplus/);
});

t.test('the registry and the design agree', async (t) => {
  t.same(registry.names().sort(), [...DESIGN_NAMES].sort());
});
