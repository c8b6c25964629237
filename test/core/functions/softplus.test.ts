// softplus: torch's threshold switch (or none), huge and tiny beta·x, and the gradient of beta.
import t from 'tap';
import { Value } from '@sinclair/typebox/value';
import { softplus } from '../../../src/core/functions/softplus.js';
import { ulpError } from '../../helpers/ulp.js';
import { DD, ddAdd, log1pExpNegDD, sigmoidDD } from '../../../src/core/special.js';

type P = { beta: number; threshold: number | null };
const T = (a: number[]) => ({ data: Float64Array.from(a), shape: [a.length] });
const P = (p: Partial<P> = {}): P => Value.Default(softplus.params, { ...p }) as P;
const f = (xs: number[], p?: Partial<P>) => [...softplus.forward(T(xs), P(p)).data];
const grad = (xs: number[], p?: Partial<P>, g = xs.map(() => 1)) => softplus.backward(T(xs), T(g), P(p), 'torch');
const ulps = (got: number, want: number) => ulpError(got, { hi: want, lo: 0 });

t.test('params: beta > 0, threshold a number or null, defaults 1 and 20', async (t) => {
  t.same(P(), { beta: 1, threshold: 20 });
  t.ok(Value.Check(softplus.params, { beta: 0.5, threshold: null }));
  t.notOk(Value.Check(softplus.params, { beta: 0, threshold: 20 }));
  t.notOk(Value.Check(softplus.params, { beta: -1, threshold: 20 }));
});

t.test('above the threshold (beta·x > threshold, as torch) the output is x, slope 1, beta-gradient 0', async (t) => {
  t.same(f([20.5, 10.25], { beta: 2 }), [20.5, 10.25]);
  const g = grad([20.5], { beta: 2 });
  t.same([...g.gradInput.data], [1]);
  t.equal(g.gradParams.beta, 0);
  // Without the switch the exact value: 30 + log1p(e^-30).
  t.ok(ulps(f([30], { threshold: null })[0], 30.000000000000092) <= 1);
});

t.test('limits at ±inf, NaN propagates', async (t) => {
  for (const threshold of [20, null]) {
    t.same(f([Infinity, -Infinity, NaN], { threshold }), [Infinity, 0, NaN]);
    t.same([...grad([Infinity, -Infinity, NaN], { threshold }).gradInput.data], [1, 0, NaN]);
  }
});

t.test('values match mpmath (50 digits, rounded to double)', async (t) => {
  // beta·x = 2e300 is formed, never divided back: the result is x itself.
  t.ok(ulps(f([1e300], { beta: 2 })[0], 1e300) <= 1);
  t.ok(ulps(f([1e300], { beta: 2, threshold: null })[0], 1e300) <= 1);
  // e^{beta x} is subnormal, its quotient by beta is not.
  t.ok(ulps(f([-7.3e12], { beta: 1e-10, threshold: null })[0], 9.226313569121869e-308) <= 1);
  t.ok(ulps(f([-40])[0], 4.248354255291589e-18) <= 1);
  t.ok(ulps(f([1e-8])[0], 0.6931471855599454) <= 1);
  t.ok(ulps(grad([-745]).gradInput.data[0], 5e-324) <= 1);
  // d/dbeta = (x σ(βx) - softplus)/beta... written without its cancellation.
  t.ok(ulps(grad([30], { beta: 0.5 }).gradParams.beta as number, -1.9577742710392366e-5) <= 1);
  t.ok(ulps(grad([100], { beta: 0.5, threshold: null }).gradParams.beta as number, -3.934649689846392e-20) <= 1);
  t.ok(ulps(grad([-1e-3], { beta: 0.5 }).gradParams.beta as number, -2.772588597239785) <= 1);
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
  // beta = 2: beta·x and the division by beta are exact, so the reference is that of beta = 1.
  const xs = sweep([640, -640]).filter((x) => Math.abs(x) <= 350);
  const sp = (z: number) => (z > 0 ? ddAdd(z, 0, log1pExpNegDD(-z, 0), DD[1]) : log1pExpNegDD(z, 0));
  const fw = worst(xs, f(xs, { beta: 2, threshold: null }), (x) => sp(2 * x) / 2);
  const dw = worst(xs, [...grad(xs, { beta: 2, threshold: null }).gradInput.data], (x) => sigmoidDD(2 * x, 0));
  t.ok(fw.ulp <= 1, `forward: ${fw.ulp} ULP at ${fw.at}`);
  t.ok(dw.ulp <= 1, `derivative: ${dw.ulp} ULP at ${dw.at}`);
});

t.test('grad_params.beta over a long batch agrees with the per-element double-double terms', async (t) => {
  const xs = sweep().filter((x) => Math.abs(x) <= 300);
  const g = xs.map((_, i) => ((i * 7919) % 13) / 6 - 1);
  const total = grad(xs, { beta: 0.5, threshold: null }, g).gradParams.beta as number;
  let sum = 0;
  let scale = 0;
  xs.forEach((x, i) => {
    const term = g[i] * (grad([x], { beta: 0.5, threshold: null }).gradParams.beta as number);
    sum += term;
    scale += Math.abs(term);
  });
  t.ok(Math.abs(total - sum) <= 2 ** -50 * scale, `${total} vs ${sum} (scale ${scale})`);
});
