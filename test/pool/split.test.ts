// Cutting batches into slices of whole rows, and summing the parameter gradients of slices.
import t, { type Test } from 'tap';
import { registry } from '../../src/core/registry.js';
import { rowLayout, slices, sumParamGrads } from '../../src/pool/split.js';

const def = (name: string) => registry.get(name)!;

/** The slices cover the batch in order, without gaps or overlaps, in input and output. */
function covers(t: Test, s: ReturnType<typeof slices>, size: number, outSize: number) {
  t.equal(s[0].inStart, 0);
  t.equal(s[0].outStart, 0);
  for (let i = 1; i < s.length; i++) {
    t.equal(s[i].inStart, s[i - 1].inEnd);
    t.equal(s[i].outStart, s[i - 1].outEnd);
  }
  t.equal(s.at(-1)!.inEnd, size);
  t.equal(s.at(-1)!.outEnd, outSize);
  for (const slice of s) t.equal(slice.shape.reduce((a, b) => a * b, 1), slice.inEnd - slice.inStart, 'shape matches length');
}

t.test('elementwise: flat ranges of elements, as even as possible', async (t) => {
  const s = slices(rowLayout(def('relu'), [7, 6, 10], {}, 420), 4, [7, 6, 10]);
  t.same(s.map((x) => x.shape), [[105], [105], [105], [105]]);
  covers(t, s, 420, 420);
  const uneven = slices(rowLayout(def('gelu'), [10], {}, 10), 3, [10]);
  t.same(uneven.map((x) => x.shape), [[4], [3], [3]]);
});

t.test('one slice is the batch with its own shape, even for a scalar', async (t) => {
  t.same(slices(rowLayout(def('relu'), [], {}, 1), 4, []), [{ shape: [], inStart: 0, inEnd: 1, outStart: 0, outEnd: 1 }]);
  t.same(slices(rowLayout(def('relu'), [3, 4], {}, 12), 1, [3, 4])[0].shape, [3, 4]);
});

t.test('prelu with one slope per channel is cut along axis 0, keeping the channel axis', async (t) => {
  const params = { alpha: [0.1, 0.2, 0.3] };
  const s = slices(rowLayout(def('prelu'), [5, 3, 4], params, 60), 2, [5, 3, 4]);
  t.same(s.map((x) => x.shape), [[3, 3, 4], [2, 3, 4]]);
  covers(t, s, 60, 60);
  // A single shared slope binds nothing to positions: flat ranges again.
  t.same(slices(rowLayout(def('prelu'), [5, 3, 4], { alpha: [0.1] }, 60), 2, [5, 3, 4]).map((x) => x.shape), [[30], [30]]);
});

t.test('axis functions are cut between rows; the slice keeps the rank so dim names the same axis', async (t) => {
  const last = slices(rowLayout(def('softmax'), [2, 3, 4], { dim: -1 }, 24), 4, [2, 3, 4]);
  t.same(last.map((x) => x.shape), [[1, 2, 4], [1, 2, 4], [1, 1, 4], [1, 1, 4]]);
  covers(t, last, 24, 24);
  const middle = slices(rowLayout(def('softmax'), [5, 3, 4], { dim: 1 }, 60), 2, [5, 3, 4]);
  t.same(middle.map((x) => x.shape), [[3, 3, 4], [2, 3, 4]]);
  covers(t, middle, 60, 60);
  // glu halves its axis: output rows are half the input rows.
  const glu = slices(rowLayout(def('glu'), [3, 8], { dim: -1 }, 12), 3, [3, 8]);
  t.same(glu.map((x) => [x.shape, x.outEnd - x.outStart]), [[[1, 8], 4], [[1, 8], 4], [[1, 8], 4]]);
  covers(t, glu, 24, 12);
});

t.test('a reduction is cut between rows; each row gives one output', async (t) => {
  const s = slices(rowLayout(def('logsumexp'), [4, 5], { dim: -1, keepdim: false, with_zero: false }, 4), 2, [4, 5]);
  t.same(s.map((x) => [x.shape, x.outStart, x.outEnd]), [[[2, 5], 0, 2], [[2, 5], 2, 4]]);
  covers(t, s, 20, 4);
});

t.test('an axis function along axis 0 has a single row: not cut', async (t) => {
  const s = slices(rowLayout(def('softmax'), [6, 4], { dim: 0 }, 24), 3, [6, 4]);
  t.same(s, [{ shape: [6, 4], inStart: 0, inEnd: 24, outStart: 0, outEnd: 24 }]);
  t.equal(slices(rowLayout(def('softmax'), [6, 4], { dim: -2 }, 24), 3, [6, 4]).length, 1);
});

t.test('never more slices than rows', async (t) => {
  t.equal(slices(rowLayout(def('softmax'), [2, 50], { dim: -1 }, 100), 8, [2, 50]).length, 2);
  t.equal(slices(rowLayout(def('relu'), [3], {}, 3), 8, [3]).length, 3);
});

t.test('parameter gradients of slices are summed, per channel for lists', async (t) => {
  t.same(sumParamGrads([{ alpha: 1.5 }, { alpha: -0.25 }, { alpha: 2 }]), { alpha: 3.25 });
  t.same(sumParamGrads([{ alpha: [1, 2] }, { alpha: [10, 20] }]), { alpha: [11, 22] });
  t.same(sumParamGrads([{}, {}]), {});
  // Compensated: 1e16 + 1 - 1e16 keeps the 1 that plain summation loses.
  t.equal(sumParamGrads([{ a: 1e16 }, { a: 1 }, { a: -1e16 }]).a, 1);
  t.equal(sumParamGrads([{ a: Infinity }, { a: 1 }]).a, Infinity);
  t.ok(Number.isNaN(sumParamGrads([{ a: Infinity }, { a: -Infinity }]).a));
});
