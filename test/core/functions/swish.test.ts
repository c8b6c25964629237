// swish: x·σ(βx) with a learnable beta: limits, tails, and the gradient of beta summed over the batch.
import t from 'tap';
import { Value } from '@sinclair/typebox/value';
import { swish } from '../../../src/core/functions/swish.js';
import { silu } from '../../../src/core/functions/silu.js';
import { ulpError } from '../../helpers/ulp.js';

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
