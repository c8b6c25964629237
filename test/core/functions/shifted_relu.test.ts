// shifted_relu: max(-a, x), the kink at -a and the gradient of a.
import t from 'tap';
import { shiftedRelu } from '../../../src/core/functions/shifted_relu.js';

const vec = (v: number[]) => ({ data: Float64Array.from(v), shape: [v.length] });

t.test('forward floors at -a', async (t) => {
  t.same([...shiftedRelu.forward(vec([-3, -1, 0.5, -Infinity]), { a: 1 }).data], [-1, -1, 0.5, -1]);
  t.same([...shiftedRelu.forward(vec([-3, 0.25]), { a: -0.5 }).data], [0.5, 0.5]);
});

t.test('kink at -a and the gradient of a', async (t) => {
  // x = [-3, -1, 2], a = 1, g = [2, 3, 5]. Where the output is the floor -a, d y/d a = -1.
  // torch/left: slope 0 at -1, so d/da = -(2 + 3) = -5; right: slope 1 at -1, d/da = -2.
  const run = (kink: 'torch' | 'left' | 'right') => shiftedRelu.backward(vec([-3, -1, 2]), vec([2, 3, 5]), { a: 1 }, kink);
  for (const kink of ['torch', 'left'] as const) {
    t.same([...run(kink).gradInput.data], [0, 0, 5], kink);
    t.equal(run(kink).gradParams.a, -5, kink);
  }
  t.same([...run('right').gradInput.data], [0, 3, 5]);
  t.equal(run('right').gradParams.a, -2);
});

t.test('NaN propagates', async (t) => {
  t.ok(Number.isNaN(shiftedRelu.forward(vec([NaN]), { a: 1 }).data[0]));
  const r = shiftedRelu.backward(vec([NaN]), vec([1]), { a: 1 }, 'torch');
  t.ok(Number.isNaN(r.gradInput.data[0]));
  t.ok(Number.isNaN(r.gradParams.a as number));
});
