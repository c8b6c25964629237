// leaky_relu: values, kink conventions at 0, the slope's gradient, non-finite inputs.
import t from 'tap';
import { leakyRelu } from '../../../src/core/functions/leaky_relu.js';

const vec = (v: number[]) => ({ data: Float64Array.from(v), shape: [v.length] });
const p = { negative_slope: 0.1 };

t.test('forward scales the negative side only', async (t) => {
  t.same([...leakyRelu.forward(vec([-2, -0.5, 0, 3]), p).data], [-0.2, -0.05, 0, 3]);
  t.same([...leakyRelu.forward(vec([-Infinity, Infinity]), p).data], [-Infinity, Infinity]);
  // 0·(-inf) would be NaN; the zero function's limit is 0.
  t.equal(leakyRelu.forward(vec([-Infinity]), { negative_slope: 0 }).data[0], 0);
});

t.test('kink at 0: torch and left take the slope, right takes 1', async (t) => {
  const at = (kink: 'torch' | 'left' | 'right') => [...leakyRelu.backward(vec([0, -1, 1]), vec([1, 1, 1]), p, kink).gradInput.data];
  t.same(at('torch'), [0.1, 0.1, 1]);
  t.same(at('left'), [0.1, 0.1, 1]);
  t.same(at('right'), [1, 0.1, 1]);
});

t.test('slope gradient sums g·x over x < 0', async (t) => {
  // x = [-2, 3, -0.5, 0], g = [1, 5, 4, 8]: d/dslope = 1·(-2) + 4·(-0.5) = -4 (x >= 0 contributes 0);
  // grad_input = [0.1, 5, 4·0.1, 8·0.1] (torch uses the slope at 0).
  const r = leakyRelu.backward(vec([-2, 3, -0.5, 0]), vec([1, 5, 4, 8]), p, 'torch');
  t.equal(r.gradParams.negative_slope, -4);
  t.same([...r.gradInput.data], [0.1, 5, 0.4, 0.8]);
});

t.test('NaN propagates', async (t) => {
  t.ok(Number.isNaN(leakyRelu.forward(vec([NaN]), p).data[0]));
  const r = leakyRelu.backward(vec([NaN, -1]), vec([1, 1]), p, 'torch');
  t.ok(Number.isNaN(r.gradInput.data[0]));
  t.ok(Number.isNaN(r.gradParams.negative_slope as number));
});
