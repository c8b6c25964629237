// hardshrink: zeroing |x| <= lambd, its range check, kinks at ±lambd.
import t from 'tap';
import { hardshrink } from '../../../src/core/functions/hardshrink.js';
import { resolveParams } from '../../../src/core/params.js';

const vec = (v: number[]) => ({ data: Float64Array.from(v), shape: [v.length] });
const p = { lambd: 0.5 };

t.test('forward', async (t) => {
  t.same([...hardshrink.forward(vec([-2, -0.5, 0.2, 0.5, 1.5, -Infinity]), p).data], [-2, 0, 0, 0, 1.5, -Infinity]);
});

t.test('lambd must be >= 0', async (t) => {
  t.equal(resolveParams(hardshrink, { lambd: -0.1 }, [1]).ok, false);
  t.equal(resolveParams(hardshrink, { lambd: 0 }, [1]).ok, true);
});

t.test('kinks at -lambd and lambd', async (t) => {
  const at = (kink: 'torch' | 'left' | 'right') =>
    [...hardshrink.backward(vec([-0.5, 0.5, 0, -1]), vec([2, 2, 2, 2]), p, kink).gradInput.data];
  t.same(at('torch'), [0, 0, 0, 2]);
  t.same(at('left'), [2, 0, 0, 2]);
  t.same(at('right'), [0, 2, 0, 2]);
});

t.test('NaN propagates', async (t) => {
  t.ok(Number.isNaN(hardshrink.forward(vec([NaN]), p).data[0]));
  t.ok(Number.isNaN(hardshrink.backward(vec([NaN]), vec([1]), p, 'torch').gradInput.data[0]));
});
