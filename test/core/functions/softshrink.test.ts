// softshrink: shrinking by lambd, its range check, kinks at ±lambd (and at 0 when lambd is 0).
import t from 'tap';
import { softshrink } from '../../../src/core/functions/softshrink.js';
import { resolveParams } from '../../../src/core/params.js';

const vec = (v: number[]) => ({ data: Float64Array.from(v), shape: [v.length] });
const p = { lambd: 0.5 };
type K = 'torch' | 'left' | 'right';

t.test('forward', async (t) => {
  t.same([...softshrink.forward(vec([-2, -0.5, 0.2, 0.5, 1.5, Infinity]), p).data], [-1.5, 0, 0, 0, 1, Infinity]);
});

t.test('lambd must be >= 0', async (t) => {
  t.same(resolveParams(softshrink, { lambd: -1 }, [1]), {
    ok: false,
    field: 'params.lambd',
    message: 'Expected number to be greater or equal to 0',
  });
});

t.test('kinks at -lambd and lambd', async (t) => {
  const at = (kink: K) => [...softshrink.backward(vec([-0.5, 0.5, 0, 1]), vec([2, 2, 2, 2]), p, kink).gradInput.data];
  t.same(at('torch'), [0, 0, 0, 2]);
  t.same(at('left'), [2, 0, 0, 2]);
  t.same(at('right'), [0, 2, 0, 2]);
});

t.test('lambd = 0 is the identity, torch still takes 0 at 0', async (t) => {
  const at = (kink: K) => softshrink.backward(vec([0]), vec([2]), { lambd: 0 }, kink).gradInput.data[0];
  t.same([at('torch'), at('left'), at('right')], [0, 2, 2]);
});

t.test('NaN propagates', async (t) => {
  t.ok(Number.isNaN(softshrink.forward(vec([NaN]), p).data[0]));
  t.ok(Number.isNaN(softshrink.backward(vec([NaN]), vec([1]), p, 'torch').gradInput.data[0]));
});
