// softplus: torch's threshold switch (or none), huge and tiny beta·x, and the gradient of beta.
import t from 'tap';
import { Value } from '@sinclair/typebox/value';
import { softplus } from '../../../src/core/functions/softplus.js';
import { ulpError } from '../../helpers/ulp.js';

type P = { beta: number; threshold: number | null };
const T = (a: number[]) => ({ data: Float64Array.from(a), shape: [a.length] });
const P = (p: Partial<P> = {}): P => Value.Default(softplus.params, { ...p }) as P;
const f = (xs: number[], p?: Partial<P>) => [...softplus.forward(T(xs), P(p)).data];
const grad = (xs: number[], p?: Partial<P>) => softplus.backward(T(xs), T(xs.map(() => 1)), P(p), 'torch');
const ulps = (got: number, want: number) => ulpError(got, { hi: want, lo: 0 });

t.test('params: beta > 0, threshold a number or null, defaults 1 and 20', async (t) => {
  t.same(P(), { beta: 1, threshold: 20 });
  t.ok(Value.Check(softplus.params, { beta: 0.5, threshold: null }));
  t.notOk(Value.Check(softplus.params, { beta: 0, threshold: 20 }));
  t.notOk(Value.Check(softplus.params, { beta: -1, threshold: 20 }));
});

t.test('above the threshold (beta·x > threshold, as torch) the output is x, slope 1, beta-gradient 0', async (t) => {
  t.same(f([20.5, 10.25], { beta: 2 }), [20.5, 10.25]);
  const g = grad([20.5], { beta: 2 });
  t.same([...g.gradInput.data], [1]);
  t.equal(g.gradParams.beta, 0);
  // Without the switch the exact value: 30 + log1p(e^-30).
  t.ok(ulps(f([30], { threshold: null })[0], 30.000000000000092) <= 1);
});

t.test('limits at ±inf, NaN propagates', async (t) => {
  for (const threshold of [20, null]) {
    t.same(f([Infinity, -Infinity, NaN], { threshold }), [Infinity, 0, NaN]);
    t.same([...grad([Infinity, -Infinity, NaN], { threshold }).gradInput.data], [1, 0, NaN]);
  }
});

t.test('values match mpmath (50 digits, rounded to double)', async (t) => {
  // beta·x = 2e300 is formed, never divided back: the result is x itself.
  t.ok(ulps(f([1e300], { beta: 2 })[0], 1e300) <= 1);
  t.ok(ulps(f([1e300], { beta: 2, threshold: null })[0], 1e300) <= 1);
  // e^{beta x} is subnormal, its quotient by beta is not.
  t.ok(ulps(f([-7.3e12], { beta: 1e-10, threshold: null })[0], 9.226313569121869e-308) <= 1);
  t.ok(ulps(f([-40])[0], 4.248354255291589e-18) <= 1);
  t.ok(ulps(f([1e-8])[0], 0.6931471855599454) <= 1);
  t.ok(ulps(grad([-745]).gradInput.data[0], 5e-324) <= 1);
  // d/dbeta = (x σ(βx) - softplus)/beta... written without its cancellation.
  t.ok(ulps(grad([30], { beta: 0.5 }).gradParams.beta as number, -1.9577742710392366e-5) <= 1);
  t.ok(ulps(grad([100], { beta: 0.5, threshold: null }).gradParams.beta as number, -3.934649689846392e-20) <= 1);
  t.ok(ulps(grad([-1e-3], { beta: 0.5 }).gradParams.beta as number, -2.772588597239785) <= 1);
});
