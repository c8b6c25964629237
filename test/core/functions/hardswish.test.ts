// hardswish: values, the slope (2x + 3)/6 and torch 2's choices at -3 and 3.
import t from 'tap';
import { hardswish } from '../../../src/core/functions/hardswish.js';

const vec = (v: number[]) => ({ data: Float64Array.from(v), shape: [v.length] });

t.test('forward', async (t) => {
  t.same([...hardswish.forward(vec([-4, -3, -1.5, 1, 3, 4, -Infinity]), {}).data], [0, 0, -0.375, 2 / 3, 3, 4, 0]);
});

t.test('slope inside (-3, 3) is x/3 + 1/2', async (t) => {
  t.same([...hardswish.backward(vec([-1.5, 0, 1.5]), vec([1, 1, 1]), {}, 'torch').gradInput.data], [0, 0.5, 1]);
});

t.test('kinks: torch 0 at -3 and 1 at 3; one-sided limits otherwise', async (t) => {
  const at = (kink: 'torch' | 'left' | 'right') => [...hardswish.backward(vec([-3, 3]), vec([2, 2]), {}, kink).gradInput.data];
  t.same(at('torch'), [0, 2]);
  t.same(at('left'), [0, 3]);
  t.same(at('right'), [-1, 2]);
});

t.test('NaN propagates', async (t) => {
  t.ok(Number.isNaN(hardswish.forward(vec([NaN]), {}).data[0]));
  t.ok(Number.isNaN(hardswish.backward(vec([NaN]), vec([1]), {}, 'torch').gradInput.data[0]));
});
