// hardsigmoid: x/6 + 1/2 clipped to [0, 1], kinks at ±3.
import t from 'tap';
import { hardsigmoid } from '../../../src/core/functions/hardsigmoid.js';

const vec = (v: number[]) => ({ data: Float64Array.from(v), shape: [v.length] });

t.test('forward', async (t) => {
  t.same([...hardsigmoid.forward(vec([-4, -3, 0, 1.5, 3, 4, -Infinity]), {}).data], [0, 0, 0.5, 0.75, 1, 1, 0]);
  // Next double above -3: x + 3 is exact there, while x/6 + 1/2 would keep only a few bits.
  const x = -3 + 2 ** -51;
  t.equal(hardsigmoid.forward(vec([x]), {}).data[0], 2 ** -51 / 6);
});

t.test('kinks at -3 and 3', async (t) => {
  const at = (kink: 'torch' | 'left' | 'right') => [...hardsigmoid.backward(vec([-3, 3, 0]), vec([6, 6, 6]), {}, kink).gradInput.data];
  t.same(at('torch'), [0, 0, 1]); // torch: 0 at both
  t.same(at('left'), [0, 1, 1]);
  t.same(at('right'), [1, 0, 1]);
});

t.test('NaN propagates', async (t) => {
  t.ok(Number.isNaN(hardsigmoid.forward(vec([NaN]), {}).data[0]));
  t.ok(Number.isNaN(hardsigmoid.backward(vec([NaN]), vec([1]), {}, 'torch').gradInput.data[0]));
});
