// softplus: log(1 + e^{βx})/β with torch's switch to x above a threshold, and a learnable beta.
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import {
  DD,
  ddAdd,
  ddDiv,
  ddMul,
  expDD,
  expReduced,
  exponentOf,
  log1pDD,
  log1pExpNegDD,
  productLo,
  scale2,
  scale2DD,
  sigmoidDD,
  twoProductLo,
} from '../special.js';

export const softplus = defineActivation({
  name: 'softplus',
  summary:
    'Softplus: log(1 + e^{beta·x})/beta, a smooth relu whose sharpness beta is learnable; x itself once beta·x > threshold (as torch).',
  formula:
    '\\begin{cases} x & \\beta x > \\text{threshold} \\\\ \\frac{1}{\\beta} \\log\\left(1 + e^{\\beta x}\\right) & \\text{otherwise} \\end{cases}',
  kind: 'elementwise',
  params: Type.Object(
    {
      beta: Type.Number({
        default: 1,
        exclusiveMinimum: 0,
        description: 'Sharpness (> 0, learnable); the kink of relu is the limit beta -> inf.',
      }),
      threshold: Type.Union([Type.Number(), Type.Null()], {
        default: 20,
        description: 'Above beta·x > threshold the output is x (torch); null computes the exact softplus everywhere.',
      }),
    },
    { additionalProperties: false },
  ),
  learnable: ['beta'],
  hasKink: false,
  properties: { monotonic: true, smooth: true, bounded: false, zeroCentred: false, range: '(0, +inf)' },
  forward(x, params) {
    const beta = params.beta;
    const threshold = params.threshold ?? Infinity;
    // 1/beta as a mantissa and a power of two: dividing by mb in [1, 2) cannot overflow.
    const kb = exponentOf(beta);
    const mb = scale2(beta, -kb);
    const src = x.data;
    const y = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      const z = beta * v;
      if (z > threshold || z > 745 || v === Infinity) {
        y[i] = v; // log1p(e^-z)/beta is below ulp(x) from z = 745 on
      } else if (z > 0) {
        // (z + log1p(e^-z))/beta = x + log1p(e^-z)/beta, formed in double-double.
        const zl = productLo(beta, v, z);
        const l = log1pExpNegDD(-z, -zl);
        ddAdd(z, zl, l, DD[1]);
        y[i] = scale2DD(ddDiv(DD[0], DD[1], mb, 0), DD[1], -kb);
      } else if (z >= -700) {
        const l = log1pExpNegDD(z, productLo(beta, v, z));
        y[i] = scale2DD(ddDiv(l, DD[1], mb, 0), DD[1], -kb);
      } else if (z === z) {
        // log1p(e^z)/beta = e^z/beta to 1e-300: keep e^z as mantissa·2^n, it may be subnormal
        // while the quotient is not.
        const n = z < -1e5 ? -1e6 : expReduced(z, productLo(beta, v, z));
        y[i] = n < -1e5 ? 0 : scale2DD(ddDiv(DD[0], DD[1], mb, 0), DD[1], n - kb);
      } else {
        y[i] = z; // NaN
      }
    }
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput, params) {
    const beta = params.beta;
    const threshold = params.threshold ?? Infinity;
    const kb = exponentOf(beta);
    const mb = scale2(beta, -kb);
    const src = x.data;
    const g = gradOutput.data;
    const gx = new Float64Array(src.length);
    let sum = 0;
    let comp = 0;
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      const z = beta * v;
      let dx: number;
      let db: number;
      if (z > threshold) {
        dx = 1; // y = x there, independent of beta
        db = 0;
      } else if (z === z) {
        const zl = productLo(beta, v, z);
        dx = sigmoidDD(z, zl);
        db = -betaTerm(z, zl, mb, kb);
      } else {
        dx = z;
        db = z;
      }
      gx[i] = g[i] * dx;
      const term = g[i] * db;
      const t = sum + term;
      if (t - t === 0) comp += Math.abs(sum) >= Math.abs(term) ? sum - t + term : term - t + sum;
      sum = t;
    }
    return { gradInput: { data: gx, shape: x.shape }, gradParams: { beta: sum + comp } };
  },
});

/**
 * h(|z|)/beta^2 with h(a) = a·σ(-a) + log(1 + e^-a), so that d/dbeta [log(1 + e^z)/beta] =
 * (z σ(z) - log(1 + e^z))/beta^2 = -h(|z|)/beta^2 for z = beta·x. Written this way both terms are
 * positive: the direct form cancels to e^-z·z against terms of size z. beta = mb·2^kb.
 */
function betaTerm(zh: number, zl: number, mb: number, kb: number): number {
  const ah = Math.abs(zh);
  const al = zh < 0 ? -zl : zl;
  if (ah === Infinity) return 0;
  const m2 = mb * mb;
  const m2l = twoProductLo(mb, mb, m2);
  if (ah > 700) {
    // h = e^-a (a + 1) to a relative 1e-300: e^-a as mantissa·2^n may be subnormal or 0.
    if (ah > 1e5) return 0;
    const n = expReduced(-ah, -al);
    const mh = DD[0];
    const ml = DD[1];
    const a1 = ah + 1;
    ddMul(mh, ml, a1, 1 - (a1 - ah) + al);
    return scale2DD(ddDiv(DD[0], DD[1], m2, m2l), DD[1], n - 2 * kb);
  }
  const q = expDD(-ah, -al);
  const ql = DD[1];
  const s = 1 + q;
  const sig = ddDiv(q, ql, s, 1 - s + q + ql); // σ(-a)
  const sigl = DD[1];
  const t = ddMul(ah, al, sig, sigl);
  const tl = DD[1];
  const l = log1pDD(q, ql);
  ddAdd(t, tl, l, DD[1]);
  return scale2DD(ddDiv(DD[0], DD[1], m2, m2l), DD[1], -2 * kb);
}
