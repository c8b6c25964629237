// sigmoid: limits, tails against mpmath, and a derivative taken from the input.
import t from 'tap';
import { sigmoid } from '../../../src/core/functions/sigmoid.js';
import { ulpError } from '../../helpers/ulp.js';
import { sigmoidDD, sigmoidPrimeDD } from '../../../src/core/special.js';

const T = (a: number[]) => ({ data: Float64Array.from(a), shape: [a.length] });
const f = (xs: number[]) => [...sigmoid.forward(T(xs), {}).data];
const d = (xs: number[]) => [...sigmoid.backward(T(xs), T(xs.map(() => 1)), {}, 'torch').gradInput.data];
const ulps = (got: number, want: number) => ulpError(got, { hi: want, lo: 0 });

t.test('limits at ±inf, NaN propagates', async (t) => {
  t.same(f([Infinity, -Infinity, NaN, 0]), [1, 0, NaN, 0.5]);
  t.same(d([Infinity, -Infinity, NaN, 0]), [0, 0, NaN, 0.25]);
});

t.test('tails match mpmath (50 digits, rounded to double)', async (t) => {
  const cases: [number, number][] = [
    [-710, 4.47628622567513e-309], // e^-710: subnormal territory begins
    [-745, 5e-324],
    [36.7, 0.9999999999999999],
  ];
  for (const [x, want] of cases) t.ok(ulps(f([x])[0], want) <= 1, `sigmoid(${x}) = ${f([x])[0]}`);
  // σ'(x) = σ(x)σ(-x), not σ(1 - σ): 1 - σ(40) would be 0.
  t.ok(ulps(d([40])[0], 4.248354255291589e-18) <= 1);
  t.ok(ulps(d([-720])[0], 2.0322308024e-313) <= 1);
});

t.test('grad_output scales the derivative; the shape is kept', async (t) => {
  const g = sigmoid.backward({ data: Float64Array.of(0, 0), shape: [2, 1] }, { data: Float64Array.of(2, -4), shape: [2, 1] }, {}, 'torch');
  t.same([...g.gradInput.data], [0.5, -1]);
  t.same(g.gradInput.shape, [2, 1]);
  t.same(g.gradParams, {});
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
  const xs = sweep();
  const fw = worst(xs, f(xs), (x) => sigmoidDD(x, 0));
  const dw = worst(xs, d(xs), (x) => sigmoidPrimeDD(x, 0));
  t.ok(fw.ulp <= 1, `forward: ${fw.ulp} ULP at ${fw.at}`);
  t.ok(dw.ulp <= 1, `derivative: ${dw.ulp} ULP at ${dw.at}`);
});
