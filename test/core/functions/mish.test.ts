// mish: x·tanh(softplus(x)) in both tails and at the root of its derivative.
import t from 'tap';
import { mish } from '../../../src/core/functions/mish.js';
import { ulpError } from '../../helpers/ulp.js';
import { mishDD, mishPrime } from '../../../src/core/functions/mish.js';

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
  const root = -1.1924312145154952;
  const xs = sweep([root - 0.25, root + 0.25, 40, -640]);
  const fw = worst(xs, f(xs), (x) => mishDD(x));
  const dw = worst(xs, d(xs), (x) => mishPrime(x));
  t.ok(fw.ulp <= 1, `forward: ${fw.ulp} ULP at ${fw.at}`);
  t.ok(dw.ulp <= 1, `derivative: ${dw.ulp} ULP at ${dw.at}`);
});
