// gelu: the exact erfc form and the tanh approximation, in the tails and at the derivative's root.
import t from 'tap';
import { Value } from '@sinclair/typebox/value';
import { gelu } from '../../../src/core/functions/gelu.js';
import { ulpError } from '../../helpers/ulp.js';

type Approx = 'none' | 'tanh';
const T = (a: number[]) => ({ data: Float64Array.from(a), shape: [a.length] });
const f = (xs: number[], approximate: Approx = 'none') => [...gelu.forward(T(xs), { approximate }).data];
const d = (xs: number[], approximate: Approx = 'none') =>
  [...gelu.backward(T(xs), T(xs.map(() => 1)), { approximate }, 'torch').gradInput.data];
const ulps = (got: number, want: number) => ulpError(got, { hi: want, lo: 0 });

t.test("approximate is 'none' by default and only 'none' or 'tanh'", async (t) => {
  t.same(Value.Default(gelu.params, {}), { approximate: 'none' });
  t.notOk(Value.Check(gelu.params, { approximate: 'erf' }));
});

t.test('limits at ±inf, NaN propagates (both forms)', async (t) => {
  for (const a of ['none', 'tanh'] as const) {
    t.same(f([Infinity, -Infinity, NaN, 0], a), [Infinity, -0, NaN, 0], a);
    t.same(d([Infinity, -Infinity, NaN, 0], a), [1, -0, NaN, 0.5], a);
    t.same(f([1e300, -1e300], a), [1e300, -0], a);
  }
});

t.test('exact form: tails match mpmath (50 digits, rounded to double)', async (t) => {
  t.equal(f([-40])[0], -0); // -1.46e-348 underflows
  t.ok(ulps(f([-38])[0], -1.096462777e-314) <= 1);
  t.ok(ulps(f([-37.5])[0], -1.7270073785932332e-306) <= 1); // erfc(26.5) itself is subnormal
  t.ok(ulps(f([-5])[0], -1.4332578593959695e-6) <= 1);
  t.ok(ulps(f([1e-300])[0], 5e-301) <= 1);
  t.ok(ulps(d([-38])[0], -4.1665545693e-313) <= 1);
  t.ok(ulps(d([3])[0], 1.011945647204184) <= 1);
  // The double nearest the root of gelu' = Φ + xφ, where the two terms cancel to 17 digits.
  t.ok(ulps(d([-0.7517915246935645])[0], -6.453751729367753e-18) <= 1);
});

t.test('tanh form: x·σ(2u) does not cancel like 1 + tanh(u) (values from mpmath, 50 digits)', async (t) => {
  t.ok(ulps(f([-5], 'tanh')[0], -2.291796196629506e-7) <= 1);
  t.ok(ulps(f([-21.5], 'tanh')[0], -2.8e-322) <= 1);
  t.ok(ulps(d([-10], 'tanh')[0], -2.7576380638540315e-36) <= 1);
  t.ok(ulps(d([-0.7524614220710163], 'tanh')[0], -1.5647455740893692e-17) <= 1);
});
