// celu: alpha must not be 0, the x/alpha rounding carried, alpha's gradient without cancellation.
import t from 'tap';
import { celu } from '../../../src/core/functions/celu.js';
import { resolveParams } from '../../../src/core/params.js';

const vec = (v: number[]) => ({ data: Float64Array.from(v), shape: [v.length] });

/** Doubles between a and b (0 when equal): the tests allow the 2-ULP budget of the design. */
function ulps(a: number, b: number): number {
  const bits = new BigInt64Array(new Float64Array([a, b]).buffer);
  const key = (i: bigint) => (i < 0n ? -(i & 0x7fffffffffffffffn) : i);
  const d = key(bits[0]) - key(bits[1]);
  return Number(d < 0n ? -d : d);
}

t.test('alpha = 0 is refused by name', async (t) => {
  t.same(resolveParams(celu, { alpha: 0 }, [1]), {
    ok: false,
    field: 'params',
    message: 'params.alpha must not be 0 (celu divides x by alpha)',
  });
  t.equal(resolveParams(celu, { alpha: -0.5 }, [1]).ok, true);
});

t.test('gradients on a small batch', async (t) => {
  // x = [-2, 1], alpha = 2, g = [1, 1]: t = x/alpha = -1.
  // grad_input = [e^-1, 1]; d/dalpha = expm1(-1) - (-1)·e^-1 = 2/e - 1 = -0.26424111765711533.
  const r = celu.backward(vec([-2, 1]), vec([1, 1]), { alpha: 2 }, 'torch');
  t.ok(ulps(r.gradInput.data[0], 0.36787944117144233) <= 2);
  t.equal(r.gradInput.data[1], 1);
  t.ok(ulps(r.gradParams.alpha as number, -0.26424111765711533) <= 2);
  t.equal(celu.forward(vec([-2, 1, -Infinity]), { alpha: 2 }).data[0], 2 * Math.expm1(-1));
});

t.test('alpha = 0.3, x = -0.7: x/alpha is inexact and its rounding is carried (mpmath values)', async (t) => {
  const x = vec([-0.7]);
  const r = celu.backward(x, vec([1]), { alpha: 0.3 }, 'torch');
  t.ok(ulps(celu.forward(x, { alpha: 0.3 }).data[0], -0.27090840964067847) <= 2);
  t.ok(ulps(r.gradInput.data[0], 0.09697196786440507) <= 2);
  t.ok(ulps(r.gradParams.alpha as number, -0.6767601071186498) <= 2);
});

t.test('d/dalpha near 0 is about -t²/2, not the cancelled difference', async (t) => {
  // expm1(-1e-5) - (-1e-5)·e^-1e-5 = -4.999966666791667e-11 (mpmath); computed directly it keeps ~6 digits.
  const g = celu.backward(vec([-1e-5]), vec([1]), { alpha: 1 }, 'torch').gradParams.alpha as number;
  t.ok(ulps(g, -4.999966666791667e-11) <= 2, `${g}`);
});

t.test('limits and NaN', async (t) => {
  t.same([...celu.forward(vec([-Infinity, Infinity]), { alpha: 2 }).data], [-2, Infinity]);
  t.equal(celu.backward(vec([-Infinity]), vec([1]), { alpha: 2 }, 'torch').gradParams.alpha, -1);
  t.ok(Number.isNaN(celu.forward(vec([NaN]), { alpha: 1 }).data[0]));
  const r = celu.backward(vec([NaN]), vec([1]), { alpha: 1 }, 'torch');
  t.ok(Number.isNaN(r.gradInput.data[0]));
  t.ok(Number.isNaN(r.gradParams.alpha as number));
});
