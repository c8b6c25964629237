// swish: x·σ(βx) with a learnable beta: limits, tails, and the gradient of beta summed over the batch.
import t from 'tap';
import { Value } from '@sinclair/typebox/value';
import { swish } from '../../../src/core/functions/swish.js';
import { silu } from '../../../src/core/functions/silu.js';
import { ulpError } from '../../helpers/ulp.js';
import { DD, ddMulD, productLo, sigmoidDD, siluPrime } from '../../../src/core/special.js';

const T = (a: number[]) => ({ data: Float64Array.from(a), shape: [a.length] });
const f = (xs: number[], beta = 1) => [...swish.forward(T(xs), { beta }).data];
const grad = (xs: number[], beta = 1, g = xs.map(() => 1)) => swish.backward(T(xs), T(g), { beta }, 'torch');
const ulps = (got: number, want: number) => ulpError(got, { hi: want, lo: 0 });

t.test('beta defaults to 1 and is then silu', async (t) => {
  t.same(Value.Default(swish.params, {}), { beta: 1 });
  t.notOk(Value.Check(swish.params, { beta: Infinity }));
  const xs = [-745, -3, -1.25, 0, 0.5, 30];
  t.same(f(xs), [...silu.forward(T(xs), {}).data]);
  t.same([...grad(xs).gradInput.data], [...silu.backward(T(xs), T(xs.map(() => 1)), {}, 'torch').gradInput.data]);
});

t.test('limits at ±inf for either sign of beta, beta = 0 is x/2, NaN propagates', async (t) => {
  t.same(f([Infinity, -Infinity, NaN], 2), [Infinity, -0, NaN]);
  t.same(f([Infinity, -Infinity], -2), [0, -Infinity]);
  t.same(f([Infinity, 3], 0), [Infinity, 1.5]);
  t.same([...grad([Infinity, -Infinity, NaN], 2).gradInput.data], [1, -0, NaN]);
  t.same([...grad([4, Infinity], 0).gradInput.data], [0.5, 0.5]);
  t.equal(grad([4], 0).gradParams.beta, 4); // x^2/4
});

t.test('values match mpmath (50 digits, rounded to double)', async (t) => {
  t.ok(ulps(f([-360], 2)[0], -7.3160308887273e-311) <= 1);
  t.ok(ulps(f([1e300], 1e-300)[0], 7.310585786300049e299) <= 1);
  // d/dx at the root of silu' in z = βx.
  t.ok(ulps(grad([-2.5569290855221474], 0.5).gradInput.data[0], 2.3843834755243115e-17) <= 1);
  // d/dbeta = x^2 σ(βx)σ(-βx): e^{βx} is subnormal, x^2 e^{βx} is not.
  t.ok(ulps(grad([-1e5], 0.00709).gradParams.beta as number, 1.2167807506234294e-298) <= 1);
  t.ok(ulps(grad([3], 0.5).gradParams.beta as number, 1.3423180686329956) <= 1);
});

t.test('grad_params.beta is the grad_output-weighted sum over the batch', async (t) => {
  const xs = [3, -2, 0.5];
  const g = [2, -1, 0.25];
  const total = grad(xs, 0.5, g).gradParams.beta as number;
  const parts = xs.map((x, i) => g[i] * (grad([x], 0.5).gradParams.beta as number));
  t.ok(Math.abs(total - (parts[0] + parts[1] + parts[2])) < 1e-15);
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
  for (const beta of [1.7, -0.3]) {
    const root = -1.2784645427610737 / beta;
    const xs = sweep([root, root - 0.03 / beta, root + 0.03 / beta]).filter((x) => Math.abs(beta * x) <= 700);
    const fw = worst(xs, f(xs, beta), (x) => {
      const z = beta * x;
      const s = sigmoidDD(z, productLo(beta, x, z));
      return ddMulD(s, DD[1], x);
    });
    const dw = worst(xs, [...grad(xs, beta).gradInput.data], (x) => siluPrime(beta * x, productLo(beta, x, beta * x)));
    t.ok(fw.ulp <= 1, `beta ${beta} forward: ${fw.ulp} ULP at ${fw.at}`);
    t.ok(dw.ulp <= 1, `beta ${beta} derivative: ${dw.ulp} ULP at ${dw.at}`);
  }
});
