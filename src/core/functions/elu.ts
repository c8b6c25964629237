// elu: x for x > 0, alpha·(e^x - 1) otherwise, through expm1 (torch.nn.functional.elu).
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';

// fdlibm's split of ln 2: m·LN2_HI is exact for |m| < 2^21.
const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.4426950408889634;
const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * c·e^t without the spurious underflow or overflow of e^t on its own: elu's alpha·e^x for x < -708
 * with alpha > 1 is a normal number although e^x is subnormal (or 0). Shared by the ELU family.
 */
export function scaledExp(c: number, t: number): number {
  const e = Math.exp(t);
  if (e >= MIN_NORMAL && e < Infinity) return c * e;
  if (t !== t || c !== c) return NaN;
  if (c === 0 || t < -1500) return c * 0; // |c| <= e^710, so c·e^t underflows below -1500
  if (t > 1500) return c * Infinity; // |c| >= e^-745
  // c = cm·2^k with 1 <= |cm| < 2, t = m·ln2 + r with |r| <= ln2/2; c·e^t = (cm·e^r)·2^(k+m).
  let cm = Math.abs(c);
  let k = 0;
  if (cm < 1e-300) {
    cm *= 2 ** 200;
    k = -200;
  }
  let ke = Math.floor(Math.log2(cm));
  cm *= 2 ** -ke;
  if (cm >= 2) {
    cm /= 2;
    ke += 1;
  } else if (cm < 1) {
    cm *= 2;
    ke -= 1;
  }
  k += ke;
  const m = Math.round(t * INV_LN2);
  const r = t - m * LN2_HI - m * LN2_LO; // t - m·LN2_HI is exact
  const y = (c < 0 ? -cm : cm) * Math.exp(r); // |y| in [0.7, 2.9)
  const n = k + m;
  if (n > 1030) return c * Infinity;
  if (n < -1080) return c * 0;
  // Scale in two steps so that only the last can round (subnormal result) or overflow.
  if (n > 1000) return y * 2 ** (n - 100) * 2 ** 100;
  if (n < -1000) return y * 2 ** (n + 100) * 2 ** -100;
  return y * 2 ** n;
}

export const elu = defineActivation({
  name: 'elu',
  summary: 'Exponential linear unit: the identity for x > 0, a saturating exponential down to -alpha below.',
  formula: '\\begin{cases} x & x > 0 \\\\ \\alpha \\left(e^{x} - 1\\right) & x \\le 0 \\end{cases}',
  kind: 'elementwise',
  params: Type.Object(
    {
      alpha: Type.Number({ default: 1, description: 'Saturation value -alpha for x -> -inf (learnable).' }),
    },
    { additionalProperties: false },
  ),
  learnable: ['alpha'],
  hasKink: false,
  // alpha = 1: continuously differentiable (slope 1 on both sides of 0).
  properties: { monotonic: true, smooth: true, bounded: false, zeroCentred: false, range: '(-1, +inf)' },
  forward(x, params) {
    const alpha = params.alpha;
    const src = x.data;
    const y = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      y[i] = v > 0 ? v : alpha * Math.expm1(v); // NaN passes through
    }
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput, params) {
    const alpha = params.alpha;
    const src = x.data;
    const g = gradOutput.data;
    const gx = new Float64Array(src.length);
    // d y/d x = alpha·e^x for x <= 0 (torch: alpha at 0); d y/d alpha = e^x - 1 there.
    let sum = 0;
    let comp = 0;
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      const gi = g[i];
      if (v > 0) {
        gx[i] = gi;
        continue;
      }
      gx[i] = gi * scaledExp(alpha, v); // NaN propagates
      const term = gi * Math.expm1(v);
      const s = sum + term;
      comp += Math.abs(sum) >= Math.abs(term) ? sum - s + term : term - s + sum;
      sum = s;
    }
    const gradAlpha = Number.isFinite(sum) ? sum + comp : sum;
    return { gradInput: { data: gx, shape: x.shape }, gradParams: { alpha: gradAlpha } };
  },
});
