// tanh: limits, values against mpmath, and sech^2 that survives the tails.
import t from 'tap';
import { tanh } from '../../../src/core/functions/tanh.js';
import { ulpError } from '../../helpers/ulp.js';

const T = (a: number[]) => ({ data: Float64Array.from(a), shape: [a.length] });
const f = (xs: number[]) => [...tanh.forward(T(xs), {}).data];
const d = (xs: number[]) => [...tanh.backward(T(xs), T(xs.map(() => 1)), {}, 'torch').gradInput.data];
const ulps = (got: number, want: number) => ulpError(got, { hi: want, lo: 0 });

t.test('limits at ±inf, NaN propagates, odd', async (t) => {
  t.same(f([Infinity, -Infinity, NaN, 0, -0]), [1, -1, NaN, 0, -0]);
  t.same(d([Infinity, -Infinity, NaN, 0]), [0, 0, NaN, 1]);
  t.equal(f([-0.52])[0], -f([0.52])[0]);
});

t.test('values match mpmath (50 digits, rounded to double)', async (t) => {
  // Math.tanh is 1.9 ULP off near 0.52; these are within one.
  t.ok(ulps(f([0.5])[0], 0.46211715726000974) <= 1);
  t.ok(ulps(f([-1e-8])[0], -1e-8) <= 1);
  t.ok(ulps(d([0.3])[0], 0.9151369618266292) <= 1);
  // 1 - tanh(40)^2 is 0 in double; sech^2(40) is not.
  t.ok(ulps(d([40])[0], 7.219405551381661e-35) <= 1);
});
