// Nested arrays <-> tensors: shapes, rank limits, and problems reported with the element index.
import t from 'tap';
import { axisLayout, fromNested, normalizeDim, toNested } from '../../src/core/tensor.js';

t.test('round trip of ranks 0 to 3', async (t) => {
  for (const value of [2.5, [1, 2], [[1, 2, 3], [4, 5, 6]], [[[1], [2]], [[3], [4]]]]) {
    const parsed = fromNested(value);
    t.ok(parsed.ok);
    if (parsed.ok) t.same(toNested(parsed.tensor), value);
  }
});

t.test('problems carry the path of the offending element', async (t) => {
  const ragged = fromNested([[1, 2], [3, 4], [5]]);
  t.match(ragged, { ok: false, problem: { reason: 'ragged', path: [2] } });
  const deep = fromNested([[1, 2], [3, [4]]]);
  t.match(deep, { ok: false, problem: { reason: 'ragged', path: [1, 1] } });
  t.match(fromNested([1, Infinity]), { ok: false, problem: { reason: 'not_finite', path: [1] } });
  t.match(fromNested([[1, '2']]), { ok: false, problem: { reason: 'not_a_number', path: [0, 1] } });
  t.match(fromNested([1, 2, 3], 2), { ok: false, problem: { reason: 'too_many' } });
  t.match(fromNested([[[1]]], Infinity, 2), { ok: false, problem: { reason: 'too_deep' } });
  t.match(fromNested([[]]), { ok: false, problem: { reason: 'empty' } });
});

t.test('a 100 000-deep nesting does not overflow the stack', async (t) => {
  let v: unknown = 1;
  for (let i = 0; i < 100_000; i++) v = [v];
  t.match(fromNested(v), { ok: false, problem: { reason: 'too_deep' } });
});

t.test('dims and axis layouts', async (t) => {
  t.equal(normalizeDim(-1, 3), 2);
  t.equal(normalizeDim(3, 3), undefined);
  t.equal(normalizeDim(-1, 0), 0);
  t.same(axisLayout([2, 3, 4], 1), { outer: 2, length: 3, inner: 4 });
  t.same(axisLayout([], 0), { outer: 1, length: 1, inner: 1 });
});
