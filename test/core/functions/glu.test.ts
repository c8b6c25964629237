// glu: halves, the even-length check, the sigmoid tail and the VJP.
import t from 'tap';
import { glu } from '../../../src/core/functions/glu.js';

const T = (a: number[], shape = [a.length]) => ({ data: Float64Array.from(a), shape });
const sigma = (b: number) => 1 / (1 + Math.exp(-b));

t.test('a·σ(b) over the halves of the axis; the output halves it', async (t) => {
  const x = T([1, -2, 0.5, 3, 4, -1, 2, -0.5], [2, 4]);
  const y = glu.forward(x, { dim: -1 });
  t.same(y.shape, [2, 2]);
  [1 * sigma(0.5), -2 * sigma(3), 4 * sigma(2), -1 * sigma(-0.5)].forEach((w, i) => t.ok(Math.abs(y.data[i] - w) < 1e-15));
  const y0 = glu.forward(x, { dim: 0 });
  t.same(y0.shape, [1, 4]);
  t.ok(Math.abs(y0.data[1] - -2 * sigma(-1)) < 1e-15);
  // a·σ(b) with σ(b) subnormal: 1e300·e^-745 keeps its digits (mpmath 2.8223507304719374e-24).
  t.ok(Math.abs(glu.forward(T([1e300, -745]), { dim: 0 }).data[0] / 2.8223507304719374e-24 - 1) < 1e-15);
  t.same([...glu.forward(T([3, 3, Infinity, -Infinity]), { dim: 0 }).data], [3, 0]);
});

t.test('the axis must be even and dim in range', async (t) => {
  t.match(glu.check!({ dim: -1 }, [2, 3]), /params\.dim .*axis 1 of length 3/);
  t.match(glu.check!({ dim: 0 }, []), /length 1/);
  t.match(glu.check!({ dim: 2 }, [2, 4]), /params\.dim is 2 .*\[-2, 1\]/);
  t.equal(glu.check!({ dim: 0 }, [2, 3]), undefined);
});

t.test('VJP: ga = g·σ(b), gb = g·a·σ(b)σ(-b), against central differences', async (t) => {
  const x = [0.7, -1.3, 0.4, 2.2];
  const g = [1.5, -0.5];
  const gx = glu.backward(T(x), T(g), { dim: -1 }, 'torch').gradInput.data;
  const h = 1e-6;
  for (let j = 0; j < 4; j++) {
    const up = [...x];
    const down = [...x];
    up[j] += h;
    down[j] -= h;
    const yu = glu.forward(T(up), { dim: -1 }).data;
    const yd = glu.forward(T(down), { dim: -1 }).data;
    const fd = (g[0] * (yu[0] - yd[0]) + g[1] * (yu[1] - yd[1])) / (2 * h);
    t.ok(Math.abs(fd - gx[j]) < 1e-8, `gx[${j}] = ${gx[j]}, central difference ${fd}`);
  }
  // σ'(b) for large |b| is e^-|b|, not 0 (σ(40)·(1 − σ(40)) would round to 0).
  const tail = glu.backward(T([2, 40]), T([1]), { dim: -1 }, 'torch').gradInput.data;
  t.ok(Math.abs(tail[1] / (2 * Math.exp(-40)) - 1) < 1e-15);
});
