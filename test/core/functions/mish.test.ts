// mish: x·tanh(softplus(x)) in both tails and at the root of its derivative.
import t from 'tap';
import { mish } from '../../../src/core/functions/mish.js';
import { ulpError } from '../../helpers/ulp.js';

const T = (a: number[]) => ({ data: Float64Array.from(a), shape: [a.length] });
const f = (xs: number[]) => [...mish.forward(T(xs), {}).data];
const d = (xs: number[]) => [...mish.backward(T(xs), T(xs.map(() => 1)), {}, 'torch').gradInput.data];
const ulps = (got: number, want: number) => ulpError(got, { hi: want, lo: 0 });

t.test('limits at ±inf, NaN propagates', async (t) => {
  t.same(f([Infinity, -Infinity, NaN, 0]), [Infinity, -0, NaN, 0]);
  t.same(d([Infinity, -Infinity, NaN]), [1, -0, NaN]);
});

t.test('values match mpmath (50 digits, rounded to double)', async (t) => {
  t.ok(ulps(f([-745])[0], -2.105e-321) <= 1);
  t.ok(ulps(f([-1])[0], -0.3034014613741089) <= 1);
  t.equal(f([20])[0], 20);
  t.ok(ulps(d([-710])[0], -3.173686934003667e-306) <= 1);
  t.equal(d([30])[0], 1);
});

t.test("mish' changes sign near -1.1924 and is accurate there", async (t) => {
  t.ok(ulps(d([-1.1924312145154952])[0], 1.2942924190978498e-17) <= 1);
  const [below, above] = d([-1.1924312145154956, -1.1924312145154947]);
  t.ok(below < 0 && above > 0);
});
