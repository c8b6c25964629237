// gelu: the exact erfc form and the tanh approximation, in the tails and at the derivative's root.
import t from 'tap';
import { Value } from '@sinclair/typebox/value';
import { gelu } from '../../../src/core/functions/gelu.js';
import { ulpError } from '../../helpers/ulp.js';
import { geluExact, geluExactPrime, geluTanh, geluTanhPrime } from '../../../src/core/functions/gelu.js';

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

/**
 * Dense float64 inputs: a grid over [-40, 40], magnitudes 2^-30..2^9.5 of both signs, points
 * closing in on `near`, and inputs outside the fast range (NaN, ±inf, huge) interleaved every 257
 * elements, so that every block of a kernel's fast loop holds elements it must redo.
 */
function sweep(near: readonly number[] = []): number[] {
  const xs: number[] = [];
  for (let v = -40; v <= 40; v += 0.0173) xs.push(v);
  for (let e = -30; e <= 9.5; e += 0.01) xs.push(2 ** e, -(2 ** e));
  for (const r of near) for (let k = 1; k < 48; k++) xs.push(r + 2 ** -k, r - 2 ** -k, r * (1 + k * 2 ** -52));
  const tails = [NaN, Infinity, -Infinity, 700, -700, 1000, -1000, 1e300, -1e300, 0, -0, 650, -650];
  const out: number[] = [];
  xs.forEach((v, i) => {
    out.push(v);
    if (i % 257 === 0) out.push(tails[(i / 257) % tails.length]);
  });
  return out;
}

/** The largest ulpError of got[i] against want(xs[i]), and where. */
function worst(xs: readonly number[], got: ArrayLike<number>, want: (x: number) => number): { ulp: number; at: number } {
  let w = { ulp: 0, at: NaN };
  xs.forEach((x, i) => {
    const e = ulpError(got[i], { hi: want(x), lo: 0 });
    if (!(e <= w.ulp)) w = { ulp: e, at: x };
  });
  return w;
}

t.test('the fast float64 kernels stay within 1 ULP of the double-double forms (which are within half of one)', async (t) => {
  // The roots of the derivatives and the edges of the windows around them; the ends of the fast range.
  const roots = [-0.7517915246935645, -0.5517915246935645, -0.9517915246935645];
  const tanhRoots = [-0.7524614220710163, -0.5524614220710163, -0.9524614220710163];
  const exact = sweep([...roots, 37.46, -37.46]);
  const ef = worst(exact, f(exact), (x) => geluExact(x));
  const ed = worst(exact, d(exact), (x) => geluExactPrime(x));
  t.ok(ef.ulp <= 1, `exact form, forward: ${ef.ulp} ULP at ${ef.at}`);
  t.ok(ed.ulp <= 1, `exact form, derivative: ${ed.ulp} ULP at ${ed.at}`);
  const tanhForm = sweep([...tanhRoots, -24.5, 7.4]);
  const tf = worst(tanhForm, f(tanhForm, 'tanh'), (x) => geluTanh(x));
  const td = worst(tanhForm, d(tanhForm, 'tanh'), (x) => geluTanhPrime(x));
  t.ok(tf.ulp <= 1, `tanh form, forward: ${tf.ulp} ULP at ${tf.at}`);
  t.ok(td.ulp <= 1, `tanh form, derivative: ${td.ulp} ULP at ${td.at}`);
});
