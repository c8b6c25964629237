// silu: x·σ(x) into the subnormal tail, and a derivative that is exact at its root.
import t from 'tap';
import { silu } from '../../../src/core/functions/silu.js';
import { ulpError } from '../../helpers/ulp.js';

const T = (a: number[]) => ({ data: Float64Array.from(a), shape: [a.length] });
const f = (xs: number[]) => [...silu.forward(T(xs), {}).data];
const d = (xs: number[]) => [...silu.backward(T(xs), T(xs.map(() => 1)), {}, 'torch').gradInput.data];
const ulps = (got: number, want: number) => ulpError(got, { hi: want, lo: 0 });

t.test('limits at ±inf, NaN propagates', async (t) => {
  t.same(f([Infinity, -Infinity, NaN, 0]), [Infinity, -0, NaN, 0]);
  t.same(d([Infinity, -Infinity, NaN, 0]), [1, -0, NaN, 0.5]);
});

t.test('tails match mpmath (50 digits, rounded to double)', async (t) => {
  // σ(-745) alone is the smallest subnormal (100% rounding error); x·e^x is formed before rounding.
  t.ok(ulps(f([-745])[0], -2.105e-321) <= 1);
  t.ok(ulps(f([-715])[0], -2.1565100229054776e-308) <= 1);
  t.ok(ulps(d([-745])[0], -2.1e-321) <= 1);
  t.ok(ulps(d([-30])[0], -2.713710660963134e-12) <= 1);
  t.equal(f([40])[0], 40);
});

t.test("silu' changes sign at -1 - W(1/e) and is accurate there", async (t) => {
  const r = -1.2784645427610737; // the double nearest the root
  t.ok(ulps(d([r])[0], 2.3843834755243115e-17) <= 1);
  const [below, above] = d([-1.2784645427610741, -1.2784645427610732]);
  t.ok(below < 0 && above > 0);
});
