// softmin: softmax of −x, forward and VJP.
import t from 'tap';
import { softmin } from '../../../src/core/functions/softmin.js';
import { softmax } from '../../../src/core/functions/softmax.js';

const T = (a: number[], shape = [a.length]) => ({ data: Float64Array.from(a), shape });

t.test('softmin(x) = softmax(-x), and its VJP is the softmax VJP at -x with the sign flipped', async (t) => {
  const x = [0.3, -1.2, 2.5, 0.7, -40];
  const neg = x.map((v) => -v);
  t.same(softmin.forward(T(x, [5]), { dim: 0 }).data, softmax.forward(T(neg), { dim: 0 }).data);
  const g = T([0.5, -2, 1.25, 3, 1]);
  const a = softmin.backward(T(x), g, { dim: -1 }, 'torch').gradInput.data;
  const b = softmax.backward(T(neg), g, { dim: -1 }, 'torch').gradInput.data;
  t.same([...a], [...b].map((v) => -v));
  t.ok(Math.abs([...a].reduce((s, v) => s + v, 0)) < 1e-15);
});

t.test('a -inf entry takes all the mass; dim is checked', async (t) => {
  t.same([...softmin.forward(T([-Infinity, 5]), { dim: -1 }).data], [1, 0]);
  t.match(softmin.check!({ dim: -3 }, [4, 4]), /params\.dim is -3/);
});
