// hardtanh: clamping, the bound check, the kinks at both bounds.
import t from 'tap';
import { hardtanh } from '../../../src/core/functions/hardtanh.js';

const vec = (v: number[]) => ({ data: Float64Array.from(v), shape: [v.length] });
const p = { min_val: -2, max_val: 0.5 };

t.test('forward clamps to [min_val, max_val]', async (t) => {
  t.same([...hardtanh.forward(vec([-3, -2, 0, 0.5, 4, -Infinity]), p).data], [-2, -2, 0, 0.5, 0.5, -2]);
});

t.test('check() wants min_val < max_val', async (t) => {
  t.equal(hardtanh.check?.({ min_val: 1, max_val: 1 }, [2]), 'params.max_val (1) must be greater than params.min_val (1)');
  t.equal(hardtanh.check?.({ min_val: -1, max_val: 1 }, [2]), undefined);
});

t.test('kinks at both bounds', async (t) => {
  const at = (kink: 'torch' | 'left' | 'right') => [...hardtanh.backward(vec([-2, 0.5, 0]), vec([3, 3, 3]), p, kink).gradInput.data];
  t.same(at('torch'), [0, 0, 3]);
  t.same(at('left'), [0, 3, 3]);
  t.same(at('right'), [3, 0, 3]);
});

t.test('NaN propagates', async (t) => {
  t.ok(Number.isNaN(hardtanh.forward(vec([NaN]), p).data[0]));
  t.ok(Number.isNaN(hardtanh.backward(vec([NaN]), vec([1]), p, 'torch').gradInput.data[0]));
});
