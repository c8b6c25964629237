// prelu: per-channel slopes along axis 1, their gradients, check() messages, kinks, NaN.
import t from 'tap';
import { prelu } from '../../../src/core/functions/prelu.js';
import { resolveParams } from '../../../src/core/params.js';

const tensor = (v: number[], shape: number[]) => ({ data: Float64Array.from(v), shape });
const ones = (n: number, shape: number[]) => tensor(new Array<number>(n).fill(1), shape);

t.test('one slope per channel along axis 1', async (t) => {
  // x = [[-1, 2, -4], [0, -3, 5]], alpha = [0.5, 0.25, 2] per column.
  const x = tensor([-1, 2, -4, 0, -3, 5], [2, 3]);
  const params = { alpha: [0.5, 0.25, 2] };
  t.same([...prelu.forward(x, params).data], [-0.5, 2, -8, 0, -0.75, 5]);
  const r = prelu.backward(x, ones(6, [2, 3]), params, 'torch');
  t.same([...r.gradInput.data], [0.5, 1, 2, 0.5, 0.25, 1]); // torch: alpha_c at x = 0
  // Column sums of x over x < 0: [-1 (0 adds 0), -3, -4].
  t.same(r.gradParams.alpha, [-1, -3, -4]);
});

t.test('channels of a rank-3 input span the trailing axes', async (t) => {
  // x[0] = [[-1, -2], [3, -4]], alpha = [0.5, 0.25]: channel 0 holds -1, -2; channel 1 holds 3, -4.
  const x = tensor([-1, -2, 3, -4], [1, 2, 2]);
  const params = { alpha: [0.5, 0.25] };
  t.same([...prelu.forward(x, params).data], [-0.5, -1, 3, -1]);
  // g = [1, 2, 3, 4]: channel 0: 1·(-1) + 2·(-2) = -5; channel 1: 4·(-4) = -16.
  t.same(prelu.backward(x, tensor([1, 2, 3, 4], [1, 2, 2]), params, 'torch').gradParams.alpha, [-5, -16]);
});

t.test('a number answers a number, a list of one a list of one', async (t) => {
  const x = tensor([-2, 1, -3], [3]);
  t.equal(prelu.backward(x, ones(3, [3]), { alpha: 0.25 }, 'torch').gradParams.alpha, -5);
  t.same(prelu.backward(x, ones(3, [3]), { alpha: [0.25] }, 'torch').gradParams.alpha, [-5]);
});

t.test('check() names params.alpha', async (t) => {
  t.equal(prelu.check?.({ alpha: [1, 2] }, [2, 3]), 'params.alpha has 2 values but the input has 3 channels along axis 1');
  t.match(prelu.check?.({ alpha: [1, 2] }, [2]), /^params\.alpha has 2 values but the input has rank 1/);
  t.equal(prelu.check?.({ alpha: [1, 2, 3] }, [2, 3]), undefined);
  t.equal(prelu.check?.({ alpha: [7] }, [5]), undefined);
  t.equal(prelu.check?.({ alpha: 7 }, []), undefined);
  t.same(resolveParams(prelu, { alpha: [] }, [2]), { ok: false, field: 'params.alpha', message: 'Expected union value' });
});

t.test('kink at 0: torch and left take alpha, right takes 1', async (t) => {
  const at = (kink: 'torch' | 'left' | 'right') => prelu.backward(tensor([0], [1]), ones(1, [1]), { alpha: 0.25 }, kink).gradInput.data[0];
  t.equal(at('torch'), 0.25);
  t.equal(at('left'), 0.25);
  t.equal(at('right'), 1);
});

t.test('NaN propagates', async (t) => {
  const x = tensor([NaN, -1], [1, 2]);
  t.ok(Number.isNaN(prelu.forward(x, { alpha: [1, 2] }).data[0]));
  const r = prelu.backward(x, ones(2, [1, 2]), { alpha: [1, 2] }, 'torch');
  t.ok(Number.isNaN(r.gradInput.data[0]));
  t.ok(Number.isNaN((r.gradParams.alpha as number[])[0]));
  t.equal((r.gradParams.alpha as number[])[1], -1);
});
