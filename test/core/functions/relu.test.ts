// relu: values (signed zeros, infinities, the largest doubles), kink conventions, non-finite inputs.
import t from 'tap';
import { relu } from '../../../src/core/functions/relu.js';

const vec = (v: number[]) => ({ data: Float64Array.from(v), shape: [v.length] });

t.test('forward keeps the positive side and gives +0 elsewhere', async (t) => {
  const y = [...relu.forward(vec([-2, -0, 0, 1.5, 5e-324, -5e-324]), {}).data];
  t.same(y, [0, 0, 0, 1.5, 5e-324, 0]);
  // The branch-free form v·[v > 0] + 0: a negative v gives +0, not v·0 = -0.
  t.ok(y.every((v) => !Object.is(v, -0)), 'no -0 in the output');
});

t.test('forward at the ends of the range', async (t) => {
  // -inf·0 would be NaN and (v + |v|)/2 would overflow beyond 2^1023: neither may show.
  t.same([...relu.forward(vec([-Infinity, Infinity, 1.7976931348623157e308, -1.7976931348623157e308]), {}).data], [
    0,
    Infinity,
    1.7976931348623157e308,
    0,
  ]);
});

t.test('kink at 0: torch and left take 0, right takes 1', async (t) => {
  const at = (kink: 'torch' | 'left' | 'right') => [...relu.backward(vec([0, -1, 2]), vec([3, 3, 3]), {}, kink).gradInput.data];
  t.same(at('torch'), [0, 0, 3]);
  t.same(at('left'), [0, 0, 3]);
  t.same(at('right'), [3, 0, 3]);
});

t.test('a zero slope gives +0 whatever g is', async (t) => {
  // g·0 would be -0 for a negative g and NaN for an infinite one; torch's select gives 0.
  const gx = [...relu.backward(vec([-1, -1, -1, 2]), vec([-4, Infinity, -Infinity, Infinity]), {}, 'torch').gradInput.data];
  t.same(gx, [0, 0, 0, Infinity]);
  t.ok(Object.is(gx[0], 0), '+0 for a negative g');
});

t.test('NaN propagates', async (t) => {
  t.ok(Number.isNaN(relu.forward(vec([NaN]), {}).data[0]));
  t.ok(Number.isNaN(relu.backward(vec([NaN]), vec([1]), {}, 'torch').gradInput.data[0]));
  t.ok(Number.isNaN(relu.backward(vec([1]), vec([NaN]), {}, 'torch').gradInput.data[0]), 'a NaN in g where the slope is 1');
});

t.test('float32 in, float32 out, exactly', async (t) => {
  const x = Float32Array.from([-1.5, 0.1, 3e38, -0]);
  const y = relu.forward({ data: x, shape: [4] }, {}).data;
  t.ok(y instanceof Float32Array);
  t.same([...y], [0, Math.fround(0.1), Math.fround(3e38), 0]);
});
