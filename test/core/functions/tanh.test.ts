// tanh: limits, values against mpmath, and sech^2 that survives the tails.
import t from 'tap';
import { ulpError } from '../../helpers/ulp.js';
import { tanh, sechSquared } from '../../../src/core/functions/tanh.js';
import { tanhDD } from '../../../src/core/special.js';

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
  const xs = sweep([0.3, -0.3]);
  const fw = worst(xs, f(xs), (x) => tanhDD(x));
  const dw = worst(xs, d(xs), (x) => sechSquared(x));
  t.ok(fw.ulp <= 1, `forward: ${fw.ulp} ULP at ${fw.at}`);
  t.ok(dw.ulp <= 1, `derivative: ${dw.ulp} ULP at ${dw.at}`);
});
