// softmax: values, dims, infinite rows and the VJP.
import t from 'tap';
import { softmax } from '../../../src/core/functions/softmax.js';

const T = (a: number[], shape = [a.length]) => ({ data: Float64Array.from(a), shape });
const near = (got: number, want: number, ulps = 4) => Math.abs(got - want) <= ulps * 2.220446049250313e-16 * Math.abs(want);

t.test('matches the reference within a few ULP and sums to 1', async (t) => {
  const y = softmax.forward(T([1, 2, 3]), { dim: -1 }).data;
  const want = [0.09003057317038046, 0.24472847105479764, 0.6652409557748219];
  want.forEach((w, i) => t.ok(near(y[i], w), `y[${i}] = ${y[i]}`));
  // Far apart values: no overflow, no 0/0.
  t.same([...softmax.forward(T([1e5, 1e5 - 800]), { dim: -1 }).data], [1, 0]);
});

t.test('dim: negative counts from the end; out of range names params.dim and the range', async (t) => {
  const x = T([1, 2, 3, 4, 5, 7], [2, 3]);
  t.same(softmax.forward(x, { dim: -2 }).data, softmax.forward(x, { dim: 0 }).data);
  const col = softmax.forward(x, { dim: 0 }).data;
  t.ok(near(col[0] + col[3], 1) && near(col[2] + col[5], 1));
  t.equal(softmax.check!({ dim: -1 }, [2, 3]), undefined);
  t.match(softmax.check!({ dim: 2 }, [2, 3]), /params\.dim is 2 .*\[-2, 1\]/);
  t.match(softmax.check!({ dim: 1 }, []), /params\.dim .*\[-1, 0\]/);
});

t.test('rank 0 is one row of length 1', async (t) => {
  const y = softmax.forward({ data: Float64Array.of(-3), shape: [] }, { dim: 0 });
  t.same(y.shape, []);
  t.equal(y.data[0], 1);
});

t.test('an infinite maximum puts the mass there; NaN spreads over the row', async (t) => {
  t.same([...softmax.forward(T([Infinity, 1, -Infinity]), { dim: -1 }).data], [1, 0, 0]);
  // Two +inf: their split depends on the path to infinity (undefined), the finite entry's limit is 0.
  t.same([...softmax.forward(T([Infinity, Infinity, 1]), { dim: -1 }).data], [NaN, NaN, 0]);
  t.same([...softmax.forward(T([-Infinity, -Infinity]), { dim: -1 }).data], [NaN, NaN]);
  t.same([...softmax.forward(T([-Infinity]), { dim: -1 }).data], [1]);
  t.same([...softmax.forward(T([NaN, 1]), { dim: -1 }).data], [NaN, NaN]);
});

t.test('the VJP sums to zero along the row and matches central differences', async (t) => {
  const x = T([0.3, -1.2, 2.5, 0.7]);
  const g = T([0.5, -2, 1.25, 3]);
  const gx = softmax.backward(x, g, { dim: -1 }, 'torch').gradInput.data;
  t.ok(Math.abs([...gx].reduce((a, b) => a + b, 0)) < 1e-15);
  const h = 1e-6;
  for (let j = 0; j < 4; j++) {
    const up = Float64Array.from(x.data);
    const down = Float64Array.from(x.data);
    up[j] += h;
    down[j] -= h;
    const yu = softmax.forward(T([...up]), { dim: -1 }).data;
    const yd = softmax.forward(T([...down]), { dim: -1 }).data;
    let fd = 0;
    for (let i = 0; i < 4; i++) fd += (g.data[i] * (yu[i] - yd[i])) / (2 * h);
    t.ok(Math.abs(fd - gx[j]) < 1e-8, `gx[${j}] = ${gx[j]}, central difference ${fd}`);
  }
  // The default all-ones grad_output gives exactly 0, even for near-uniform rows.
  t.same([...softmax.backward(T([0, 1e-300, 3]), T([1, 1, 1]), { dim: -1 }, 'torch').gradInput.data], [0, 0, 0]);
  t.same([...softmax.backward(T([Infinity, 1]), T([2, 3]), { dim: -1 }, 'torch').gradInput.data], [0, 0]);
});
