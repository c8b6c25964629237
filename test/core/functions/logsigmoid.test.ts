// logsigmoid: min(x, 0) - log1p(e^{-|x|}) in both tails.
import t from 'tap';
import { logsigmoid } from '../../../src/core/functions/logsigmoid.js';
import { ulpError } from '../../helpers/ulp.js';

const T = (a: number[]) => ({ data: Float64Array.from(a), shape: [a.length] });
const f = (xs: number[]) => [...logsigmoid.forward(T(xs), {}).data];
const d = (xs: number[]) => [...logsigmoid.backward(T(xs), T(xs.map(() => 1)), {}, 'torch').gradInput.data];
const ulps = (got: number, want: number) => ulpError(got, { hi: want, lo: 0 });

t.test('limits at ±inf, NaN propagates', async (t) => {
  t.same(f([Infinity, -Infinity, NaN]), [-0, -Infinity, NaN]);
  t.same(d([Infinity, -Infinity, NaN]), [0, 1, NaN]);
  t.equal(f([-1e300])[0], -1e300);
});

t.test('values match mpmath (50 digits, rounded to double)', async (t) => {
  t.ok(ulps(f([745])[0], -5e-324) <= 1);
  t.ok(ulps(f([40])[0], -4.248354255291589e-18) <= 1); // log(1 + e^-40) is not 0
  t.ok(ulps(f([-1e-8])[0], -0.6931471855599454) <= 1);
  t.ok(ulps(d([40])[0], 4.248354255291589e-18) <= 1);
  t.equal(d([-40])[0], 1);
});
