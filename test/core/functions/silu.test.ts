// silu: x·σ(x) into the subnormal tail, and a derivative that is exact at its root.
import t from 'tap';
import { silu } from '../../../src/core/functions/silu.js';
import { ulpError } from '../../helpers/ulp.js';
import { siluDD } from '../../../src/core/functions/silu.js';
import { siluPrime } from '../../../src/core/special.js';

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
  // The root of silu' and the edges of the window around it where the fast form hands over.
  const root = -1.2784645427610737;
  const xs = sweep([root, root - 0.03, root + 0.03, -300, 640]);
  const fw = worst(xs, f(xs), (x) => siluDD(x));
  const dw = worst(xs, d(xs), (x) => siluPrime(x, 0));
  t.ok(fw.ulp <= 1, `forward: ${fw.ulp} ULP at ${fw.at}`);
  t.ok(dw.ulp <= 1, `derivative: ${dw.ulp} ULP at ${dw.at}`);
});
