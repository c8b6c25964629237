// elu: expm1 on the negative side, alpha's gradient, alpha·e^x past exp's underflow, limits and NaN.
import t from 'tap';
import { elu } from '../../../src/core/functions/elu.js';

const vec = (v: number[]) => ({ data: Float64Array.from(v), shape: [v.length] });

/** Doubles between a and b (0 when equal): the tests allow the 2-ULP budget of the design. */
function ulps(a: number, b: number): number {
  const bits = new BigInt64Array(new Float64Array([a, b]).buffer);
  const key = (i: bigint) => (i < 0n ? -(i & 0x7fffffffffffffffn) : i);
  const d = key(bits[0]) - key(bits[1]);
  return Number(d < 0n ? -d : d);
}

t.test('forward uses expm1', async (t) => {
  t.same([...elu.forward(vec([-1, 0, 2, -Infinity]), { alpha: 2 }).data], [2 * Math.expm1(-1), 0, 2, -2]);
  t.equal(elu.forward(vec([-1e-17]), { alpha: 1 }).data[0], -1e-17); // e^x - 1 would give 0
});

t.test('gradients on a small batch', async (t) => {
  // x = [-1, 0, 2], g = [3, 5, 7], alpha = 2.
  // grad_input = [3·2·e^-1, 5·2 (torch: alpha at 0), 7]; d/dalpha = 3·(e^-1 - 1) + 5·0 = -1.896361676485673.
  const r = elu.backward(vec([-1, 0, 2]), vec([3, 5, 7]), { alpha: 2 }, 'torch');
  t.ok(ulps(r.gradInput.data[0], 2.207276647028654) <= 2);
  t.same([...r.gradInput.data].slice(1), [10, 7]);
  t.ok(ulps(r.gradParams.alpha as number, -1.896361676485673) <= 2);
});

t.test('alpha·e^x stays normal where e^x alone is subnormal', async (t) => {
  // 1e10·e^-720 = 2.032230802424293e-303 (mpmath); Math.exp(-720) has only ~45 significant bits.
  const d = elu.backward(vec([-720]), vec([1]), { alpha: 1e10 }, 'torch').gradInput.data[0];
  t.ok(ulps(d, 2.032230802424293e-303) <= 2, `${d}`);
});

t.test('NaN propagates', async (t) => {
  t.ok(Number.isNaN(elu.forward(vec([NaN]), { alpha: 1 }).data[0]));
  const r = elu.backward(vec([NaN]), vec([1]), { alpha: 1 }, 'torch');
  t.ok(Number.isNaN(r.gradInput.data[0]));
  t.ok(Number.isNaN(r.gradParams.alpha as number));
});
