// selu: torch's constants, the slope scale·alpha at 0, limits and NaN (values from mpmath).
import t from 'tap';
import { selu } from '../../../src/core/functions/selu.js';

const vec = (v: number[]) => ({ data: Float64Array.from(v), shape: [v.length] });

/** Doubles between a and b (0 when equal): the tests allow the 2-ULP budget of the design. */
function ulps(a: number, b: number): number {
  const bits = new BigInt64Array(new Float64Array([a, b]).buffer);
  const key = (i: bigint) => (i < 0n ? -(i & 0x7fffffffffffffffn) : i);
  const d = key(bits[0]) - key(bits[1]);
  return Number(d < 0n ? -d : d);
}

t.test('forward', async (t) => {
  const y = selu.forward(vec([2, -1, -Infinity]), {}).data;
  [2.101401974710961, -1.1113307378125628, -1.7580993408473768].forEach((ref, i) => t.ok(ulps(y[i], ref) <= 2, `${y[i]}`));
});

t.test('derivative: scale above 0, scale·alpha·e^x at and below 0', async (t) => {
  const d = [...selu.backward(vec([1, 0, -1]), vec([1, 1, 1]), {}, 'torch').gradInput.data];
  [1.0507009873554805, 1.7580993408473768, 0.6467686030348141].forEach((ref, i) => t.ok(ulps(d[i], ref) <= 2, `${d[i]}`));
});

t.test('NaN propagates', async (t) => {
  t.ok(Number.isNaN(selu.forward(vec([NaN]), {}).data[0]));
  t.ok(Number.isNaN(selu.backward(vec([NaN]), vec([1]), {}, 'torch').gradInput.data[0]));
});
