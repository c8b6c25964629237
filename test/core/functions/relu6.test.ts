// relu6: clipping to [0, 6] and the kinks at both ends.
import t from 'tap';
import { relu6 } from '../../../src/core/functions/relu6.js';

const vec = (v: number[]) => ({ data: Float64Array.from(v), shape: [v.length] });

t.test('forward clips to [0, 6]', async (t) => {
  t.same([...relu6.forward(vec([-1, 0, 3, 6, 7, Infinity]), {}).data], [0, 0, 3, 6, 6, 6]);
});

t.test('kinks at 0 and 6', async (t) => {
  const at = (kink: 'torch' | 'left' | 'right') => [...relu6.backward(vec([0, 6, -1, 3, 7]), vec([2, 2, 2, 2, 2]), {}, kink).gradInput.data];
  t.same(at('torch'), [0, 0, 0, 2, 0]); // torch: 0 at both
  t.same(at('left'), [0, 2, 0, 2, 0]);
  t.same(at('right'), [2, 0, 0, 2, 0]);
});

t.test('NaN propagates', async (t) => {
  t.ok(Number.isNaN(relu6.forward(vec([NaN]), {}).data[0]));
  t.ok(Number.isNaN(relu6.backward(vec([NaN]), vec([1]), {}, 'torch').gradInput.data[0]));
});
