// sigmoid: limits, tails against mpmath, and a derivative taken from the input.
import t from 'tap';
import { sigmoid } from '../../../src/core/functions/sigmoid.js';
import { ulpError } from '../../helpers/ulp.js';

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
