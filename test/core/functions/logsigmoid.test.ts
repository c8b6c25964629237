// logsigmoid: min(x, 0) - log1p(e^{-|x|}) in both tails.
import t from 'tap';
import { logsigmoid } from '../../../src/core/functions/logsigmoid.js';
import { ulpError } from '../../helpers/ulp.js';
import { DD, ddAdd, log1pExpNegDD, sigmoidDD } from '../../../src/core/special.js';

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
  const xs = sweep([640, -640]);
  const ref = (x: number) => {
    if (x > 0) return -log1pExpNegDD(-x, 0);
    const l = log1pExpNegDD(x, 0);
    return x < -40 ? x - l : ddAdd(x, 0, -l, -DD[1]);
  };
  const fw = worst(xs, f(xs), ref);
  const dw = worst(xs, d(xs), (x) => sigmoidDD(-x, 0));
  t.ok(fw.ulp <= 1, `forward: ${fw.ulp} ULP at ${fw.at}`);
  t.ok(dw.ulp <= 1, `derivative: ${dw.ulp} ULP at ${dw.at}`);
});
