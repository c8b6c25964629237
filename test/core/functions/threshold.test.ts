// threshold: required params, the kink at the threshold, NaN.
import t from 'tap';
import { threshold } from '../../../src/core/functions/threshold.js';
import { resolveParams } from '../../../src/core/params.js';

const vec = (v: number[]) => ({ data: Float64Array.from(v), shape: [v.length] });
const p = { threshold: 1, value: -5 };

t.test('forward replaces x <= threshold by value', async (t) => {
  t.same([...threshold.forward(vec([0.5, 1, 2, -Infinity]), p).data], [-5, -5, 2, -5]);
});

t.test('both params are required', async (t) => {
  t.same(resolveParams(threshold, {}, [1]), { ok: false, field: 'params.threshold', message: 'Expected required property' });
  t.same(resolveParams(threshold, { threshold: 1 }, [1]), { ok: false, field: 'params.value', message: 'Expected required property' });
});

t.test('kink at the threshold: torch and left 0, right 1', async (t) => {
  const at = (kink: 'torch' | 'left' | 'right') => [...threshold.backward(vec([1, 0, 2]), vec([3, 3, 3]), p, kink).gradInput.data];
  t.same(at('torch'), [0, 0, 3]);
  t.same(at('left'), [0, 0, 3]);
  t.same(at('right'), [3, 0, 3]);
});

t.test('NaN propagates', async (t) => {
  t.ok(Number.isNaN(threshold.forward(vec([NaN]), p).data[0]));
  t.ok(Number.isNaN(threshold.backward(vec([NaN]), vec([1]), p, 'torch').gradInput.data[0]));
});
