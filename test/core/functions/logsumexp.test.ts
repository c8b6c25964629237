// logsumexp: reduction shapes, with_zero, infinite rows and the gradient.
import t from 'tap';
import { logsumexp } from '../../../src/core/functions/logsumexp.js';

const T = (a: number[], shape = [a.length]) => ({ data: Float64Array.from(a), shape });
const P = (dim = -1, keepdim = false, with_zero = false) => ({ dim, keepdim, with_zero });

t.test('drops the axis, or keeps it as 1; rank 0 stays rank 0', async (t) => {
  const x = T([1, 2, 3, 4, 5, 6], [2, 3]);
  t.same(logsumexp.outputShape!([2, 3], P()), [2]);
  t.same(logsumexp.outputShape!([2, 3], P(0)), [3]);
  t.same(logsumexp.outputShape!([2, 3], P(-2, true)), [1, 3]);
  t.same(logsumexp.outputShape!([], P(0, true)), []);
  const y = logsumexp.forward(x, P(-1, true));
  t.same(y.shape, [2, 1]);
  t.equal(y.data[0], 3.40760596444438);
  const s = logsumexp.forward({ data: Float64Array.of(-2.5), shape: [] }, P());
  t.same([s.shape, [...s.data]], [[], [-2.5]]);
  t.match(logsumexp.check!(P(2), [2, 3]), /params\.dim is 2 .*\[-2, 1\]/);
});

t.test('with_zero adds an implicit 0: LSE(0, x) is softplus for one element', async (t) => {
  t.equal(logsumexp.forward(T([-40]), P(-1, false, true)).data[0], 4.248354255291589e-18);
  t.equal(logsumexp.forward(T([1e300]), P(-1, false, true)).data[0], 1e300);
  t.equal(logsumexp.forward(T([0, 0, 0]), P(-1, false, true)).data[0], Math.log(4));
});

t.test('infinite rows', async (t) => {
  t.same([...logsumexp.forward(T([-Infinity, -Infinity]), P()).data], [-Infinity]);
  t.same([...logsumexp.forward(T([-Infinity, -Infinity]), P(-1, false, true)).data], [0]);
  t.same([...logsumexp.forward(T([Infinity, Infinity, 1]), P()).data], [Infinity]);
  t.same([...logsumexp.forward(T([Infinity, NaN]), P()).data], [NaN]);
});

t.test('gradient: grad_output broadcast along the row times softmax (implicit zero included)', async (t) => {
  const x = T([1, 2, 3, 1, 1, 1], [2, 3]);
  const gx = logsumexp.backward(x, T([2, -3], [2, 1]), P(-1, true), 'torch').gradInput.data;
  const e = [1, 2, 3].map(Math.exp);
  const s = e[0] + e[1] + e[2];
  e.forEach((v, i) => t.ok(Math.abs(gx[i] - (2 * v) / s) < 1e-15));
  t.same([...gx.slice(3)].map((v) => Math.abs(v + 1) < 1e-15), [true, true, true]);
  // One element with the zero: the derivative of softplus, σ(x).
  const g1 = logsumexp.backward(T([0.5]), { data: Float64Array.of(1), shape: [] }, P(-1, false, true), 'torch');
  t.ok(Math.abs(g1.gradInput.data[0] - 1 / (1 + Math.exp(-0.5))) < 1e-16);
  const gi = logsumexp.backward(T([Infinity, 4]), { data: Float64Array.of(3), shape: [] }, P(), 'torch');
  t.same([...gi.gradInput.data], [3, 0]);
});
