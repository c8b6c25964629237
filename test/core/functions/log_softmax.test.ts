// log_softmax: values without forming softmax, infinite rows and the VJP.
import t from 'tap';
import { logSoftmax } from '../../../src/core/functions/log_softmax.js';

const T = (a: number[], shape = [a.length]) => ({ data: Float64Array.from(a), shape });

t.test('x minus the log-sum-exp, accurate where log(softmax) underflows', async (t) => {
  const y = logSoftmax.forward(T([1, 2, 3]), { dim: -1 }).data;
  t.ok(Math.abs(y[2] - -0.4076059644443803) < 1e-16);
  t.ok(Math.abs(y[0] - y[2] + 2) < 1e-15);
  // softmax(-1000)[0] underflows to 0, its log does not.
  t.same([...logSoftmax.forward(T([-1000, 0]), { dim: -1 }).data], [-1000, 0]);
  t.equal(logSoftmax.forward(T([40, 0]), { dim: -1 }).data[0], -4.248354255291589e-18);
});

t.test('dims, rank 0 and infinite rows', async (t) => {
  const x = T([1, 2, 3, 4, 5, 7], [2, 3]);
  t.same(logSoftmax.forward(x, { dim: -2 }).data, logSoftmax.forward(x, { dim: 0 }).data);
  t.match(logSoftmax.check!({ dim: 5 }, [2, 3]), /params\.dim is 5 .*\[-2, 1\]/);
  t.same([...logSoftmax.forward({ data: Float64Array.of(7), shape: [] }, { dim: -1 }).data], [0]);
  t.same([...logSoftmax.forward(T([Infinity, 1, -Infinity]), { dim: -1 }).data], [0, -Infinity, -Infinity]);
  t.same([...logSoftmax.forward(T([NaN, 1]), { dim: -1 }).data], [NaN, NaN]);
});

t.test('VJP: g - softmax·Σg, exact 0 for a uniform row, 1e-300 differences kept', async (t) => {
  t.same([...logSoftmax.backward(T([2, 2, 2, 2, 2]), T([1, 1, 1, 1, 1]), { dim: -1 }, 'torch').gradInput.data], [0, 0, 0, 0, 0]);
  // 1 - 3·softmax_i for a row equal up to 1e-300 (mpmath: 0, -1e-300, 1e-300).
  t.same([...logSoftmax.backward(T([0, 1e-300, -1e-300]), T([1, 1, 1]), { dim: -1 }, 'torch').gradInput.data], [0, -1e-300, 1e-300]);
  const gx = logSoftmax.backward(T([0.5, -1, 2]), T([1, -2, 0.5]), { dim: -1 }, 'torch').gradInput.data;
  const e = [0.5, -1, 2].map(Math.exp);
  const s = e[0] + e[1] + e[2];
  [1, -2, 0.5].forEach((g, i) => t.ok(Math.abs(gx[i] - (g - (e[i] / s) * -0.5)) < 1e-15));
  // One +inf: softmax is one-hot there.
  t.same([...logSoftmax.backward(T([Infinity, 1, 2]), T([1, 2, 3]), { dim: -1 }, 'torch').gradInput.data], [-5, 2, 3]);
});
