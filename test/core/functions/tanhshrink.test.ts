// tanhshrink: x - tanh(x) without the cancellation near 0.
import t from 'tap';
import { tanhshrink } from '../../../src/core/functions/tanhshrink.js';
import { ulpError } from '../../helpers/ulp.js';

const T = (a: number[]) => ({ data: Float64Array.from(a), shape: [a.length] });
const f = (xs: number[]) => [...tanhshrink.forward(T(xs), {}).data];
const d = (xs: number[]) => [...tanhshrink.backward(T(xs), T(xs.map(() => 1)), {}, 'torch').gradInput.data];
const ulps = (got: number, want: number) => ulpError(got, { hi: want, lo: 0 });

t.test('limits at ±inf, NaN propagates', async (t) => {
  t.same(f([Infinity, -Infinity, NaN, 0]), [Infinity, -Infinity, NaN, 0]);
  t.same(d([Infinity, -Infinity, NaN, 0]), [1, 1, NaN, 0]);
});

t.test('values match mpmath (50 digits, rounded to double)', async (t) => {
  // x^3/3 where x - Math.tanh(x) gives 0 or noise.
  t.ok(ulps(f([1e-8])[0], 3.3333333333333335e-25) <= 1);
  t.equal(f([1e-300])[0], 0); // 3.3e-901 underflows
  t.ok(ulps(f([-0.5])[0], -0.03788284273999024) <= 1);
  t.ok(ulps(f([2])[0], 1.035972419924183) <= 1);
  t.ok(ulps(d([1e-8])[0], 1e-16) <= 1);
  t.ok(ulps(d([-3])[0], 0.9901339628345598) <= 1);
});

t.test('both sides of the switch at |x| = 0.75 agree with each other', async (t) => {
  const below = f([0.7499999999999999])[0];
  const at = f([0.75])[0];
  t.ok(at > below && at - below < 1e-15);
});
