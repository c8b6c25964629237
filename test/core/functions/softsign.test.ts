// softsign: limits, exact small cases, and the derivative far out.
import t from 'tap';
import { softsign } from '../../../src/core/functions/softsign.js';
import { ulpError } from '../../helpers/ulp.js';

const T = (a: number[]) => ({ data: Float64Array.from(a), shape: [a.length] });
const f = (xs: number[]) => [...softsign.forward(T(xs), {}).data];
const d = (xs: number[]) => [...softsign.backward(T(xs), T(xs.map(() => 1)), {}, 'torch').gradInput.data];
const ulps = (got: number, want: number) => ulpError(got, { hi: want, lo: 0 });

t.test('limits at ±inf (not inf/inf), NaN propagates', async (t) => {
  t.same(f([Infinity, -Infinity, NaN, 1.7976931348623157e308]), [1, -1, NaN, 1]);
  t.same(d([Infinity, -Infinity, NaN, 0]), [0, 0, NaN, 1]);
});

t.test('values match mpmath (50 digits, rounded to double)', async (t) => {
  t.same(f([-3, 1]), [-0.75, 0.5]);
  t.ok(ulps(f([1e-8])[0], 9.999999900000002e-9) <= 1);
  t.ok(ulps(d([0.5])[0], 0.4444444444444444) <= 1);
  // (1 + |x|)^-2 without forming the square, which would overflow.
  t.ok(ulps(d([1e150])[0], 1e-300) <= 1);
  t.equal(d([1e200])[0], 0);
});
