// softplus: log(1 + e^{βx})/β with torch's switch to x above a threshold, and a learnable beta.
import { Type } from '@sinclair/typebox';
import { type FloatArray, defineActivation } from '../definition.js';
import { outputLike } from '../tensor.js';
import {
  BLOCK,
  DD,
  ddAdd,
  ddDiv,
  ddMul,
  expDD,
  expReduced,
  exponentOf,
  expLo,
  log1pDD,
  log1pExpNegDD,
  log1pExpPlain,
  log1pLo,
  productLo,
  scale2,
  scale2DD,
  sigmoidDD,
  SLOW,
  twoProductLo,
  twoSumLo,
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
  forward(x, params, out) {
    const beta = params.beta;
    const threshold = params.threshold ?? Infinity;
    const src = x.data;
    if (src instanceof Float32Array) {
      const y = outputLike(src, src.length, out) as Float32Array;
      forward32(src, y, beta, threshold);
      return { data: y, shape: x.shape };
    }
    const y = outputLike(src, src.length, out) as Float64Array;
    forward64(src, y, beta, threshold);
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput, params, _kink, out) {
    const beta = params.beta;
    const threshold = params.threshold ?? Infinity;
    const src = x.data;
    const g = gradOutput.data;
    if (src instanceof Float32Array) {
      const gx = outputLike(src, src.length, out) as Float32Array;
      return { gradInput: { data: gx, shape: x.shape }, gradParams: { beta: backward32(src, g, gx, beta, threshold) } };
    }
    const gx = outputLike(src, src.length, out) as Float64Array;
    return { gradInput: { data: gx, shape: x.shape }, gradParams: { beta: backward64(src, g, gx, beta, threshold) } };
  },
});

// The fast forms need z = beta·x in [-640, 640] (e^-|z| normal) and beta in [2^-60, 2^60] (no
// overflow in beta^2, beta·x splittable); otherwise, and for NaN and ±inf, the double-double forms.
// Above the threshold the output is x whatever the form. (The loop shape is described in
// special.ts: fast form everywhere, slow elements redone.)
const FAST = 640;

function fastBeta(beta: number): boolean {
  return beta >= 2 ** -60 && beta <= 2 ** 60;
}

/** Float32: (max(z, 0) + log1p(e^-|z|))/beta in plain doubles (log1pExpPlain). */
function forward32(src: Float32Array, y: Float32Array, beta: number, threshold: number): void {
  const fastB = fastBeta(beta);
  const inv = 1 / beta; // one more rounding, 2^-53, which a float32 answer does not see
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      const z = beta * v;
      const a = Math.abs(z);
      const sp = 0.5 * (z + a) + log1pExpPlain(a); // 0.5(z + |z|) = max(z, 0), exactly
      y[i] = z > threshold ? v : sp * inv;
      if (!(fastB && a <= FAST) && !(z > threshold)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      y[i] = softplusDD(src[i], beta, threshold);
    }
  }
}

/**
 * Float64: max(z, 0) + zl·[z > 0] + log1p(e^{-|z + zl|}) in double-double (expLo, log1pLo: 2^-58),
 * zl the rounding error of beta·x, then one corrected division by beta: within 1 ULP (exact
 * to half an ULP for beta = 1).
 */
function forward64(src: Float64Array, y: Float64Array, beta: number, threshold: number): void {
  const fastB = fastBeta(beta);
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      const z = beta * v;
      const zl = twoProductLo(beta, v, z);
      const a = Math.abs(z);
      const pos = Number(z > 0); // no branch: the sign of z varies element by element
      const al = (2 * pos - 1) * zl; // |z + zl| = a + al
      const q = expLo(-a);
      const lh = log1pLo(q, DD[1] - q * al);
      const ll = DD[1];
      // max(z, 0) + L: for z > 0, z + zl + L with L <= log 2 < z (above z = 0.7) or both positive.
      const m = pos * z;
      const sh = m + lh;
      const sl = twoSumLo(m, lh, sh) + ll + pos * zl;
      const r = sh / beta;
      y[i] = z > threshold ? v : r + (sh - r * beta + sl) / beta;
      if (!(fastB && a <= FAST) && !(z > threshold)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      y[i] = softplusDD(src[i], beta, threshold);
    }
  }
}

/**
 * Float32: dx = σ(z), d/dbeta = -h(|z|)/beta^2 (see betaTerm) in plain doubles, the beta sum in
 * float64 with its rounding errors carried. Returns d(loss)/d(beta).
 */
function backward32(src: Float32Array, g: FloatArray, gx: Float32Array, beta: number, threshold: number): number {
  const fastB = fastBeta(beta);
  const invSq = 1 / beta / beta;
  const n = src.length;
  const sum = new BetaSum();
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    let acc = 0;
    let comp = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      const z = beta * v;
      const a = Math.abs(z);
      const l = log1pExpPlain(a);
      const u = DD[0];
      const sn = (DD[1] + u) / (1 + u); // σ(-|z|)
      const neg = Number(z < 0);
      const gi = g[i];
      const above = z > threshold;
      // σ(z) = 1 - σ(-z) for z >= 0 (no cancellation: it is at least 1/2), σ(-|z|) below.
      gx[i] = above ? gi : gi * (neg * sn + (1 - neg) * (1 - sn));
      let term = above ? 0 : -gi * (a * sn + l) * invSq;
      if (!(fastB && a <= FAST) && !above) {
        SLOW[slow++] = i;
        term = 0;
      }
      const t = acc + term;
      const tb = t - acc;
      comp += acc - (t - tb) + (term - tb); // two-sum: the exact rounding error of acc + term
      acc = t;
    }
    sum.add(acc, comp);
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      gx[i] = g[i] * dxDD(src[i], beta);
      sum.add(g[i] * dbetaDD(src[i], beta), 0);
    }
  }
  return sum.value();
}

/**
 * Float64: dx = σ(z + zl) as a corrected quotient (about half an ULP); d/dbeta = -h(|z|)/beta^2
 * within about an ULP. From q = e^-|z| and its low part, both.
 */
function backward64(src: Float64Array, g: FloatArray, gx: Float64Array, beta: number, threshold: number): number {
  const fastB = fastBeta(beta);
  const n = src.length;
  const sum = new BetaSum();
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    let acc = 0;
    let comp = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      const z = beta * v;
      const zl = twoProductLo(beta, v, z);
      const a = Math.abs(z);
      const pos = Number(z >= 0);
      const al = (2 * pos - 1) * zl; // |z + zl| = a + al
      const q = expLo(-a);
      const ql = DD[1] - q * al;
      const s = 1 + q;
      const sl = 1 - s + q + ql; // fast two-sum: q <= 1
      // σ(z) = m/(1 + q) with m = 1 (z >= 0) or q: a corrected quotient, about half an ULP.
      const m = pos + (1 - pos) * q;
      const ml = (1 - pos) * ql;
      const r = m / s;
      const p = r * s;
      const sig = r + (m - p - twoProductLo(r, s, p) + ml - r * sl) / s; // m - p is exact (Sterbenz)
      // h = a·q/(1 + q) + log1p(q), both positive: the first to first order, the second in
      // double-double; then two divisions by beta (exact for a power of two).
      const l = log1pLo(q, ql);
      const ll = DD[1];
      const A = a * q;
      const Al = twoProductLo(a, q, A) + a * ql + al * q;
      const B = A / s;
      const Bl = (Al - B * sl) / s;
      const h = B + l;
      const hl = twoSumLo(B, l, h) + Bl + ll;
      const gi = g[i];
      const above = z > threshold;
      gx[i] = above ? gi : gi * sig;
      let term = above ? 0 : (-gi * (h + hl)) / beta / beta;
      if (!(fastB && a <= FAST) && !above) {
        SLOW[slow++] = i;
        term = 0;
      }
      const t = acc + term;
      const tb = t - acc;
      comp += acc - (t - tb) + (term - tb);
      acc = t;
    }
    sum.add(acc, comp);
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      gx[i] = g[i] * dxDD(src[i], beta);
      sum.add(g[i] * dbetaDD(src[i], beta), 0);
    }
  }
  return sum.value();
}

/** log(1 + e^{βx})/beta in double-double, with torch's threshold switch, for any x. */
function softplusDD(v: number, beta: number, threshold: number): number {
  const z = beta * v;
  if (z > threshold || z > 745 || v === Infinity) return v; // log1p(e^-z)/beta < ulp(x) from z = 745 on
  // 1/beta as a mantissa and a power of two: dividing by mb in [1, 2) cannot overflow.
  const kb = exponentOf(beta);
  const mb = scale2(beta, -kb);
  if (z > 0) {
    // (z + log1p(e^-z))/beta = x + log1p(e^-z)/beta, formed in double-double.
    const zl = productLo(beta, v, z);
    const l = log1pExpNegDD(-z, -zl);
    ddAdd(z, zl, l, DD[1]);
    return scale2DD(ddDiv(DD[0], DD[1], mb, 0), DD[1], -kb);
  }
  if (z >= -700) {
    const l = log1pExpNegDD(z, productLo(beta, v, z));
    return scale2DD(ddDiv(l, DD[1], mb, 0), DD[1], -kb);
  }
  if (z === z) {
    // log1p(e^z)/beta = e^z/beta to 1e-300: keep e^z as mantissa·2^n, it may be subnormal
    // while the quotient is not.
    const e = z < -1e5 ? -1e6 : expReduced(z, productLo(beta, v, z));
    return e < -1e5 ? 0 : scale2DD(ddDiv(DD[0], DD[1], mb, 0), DD[1], e - kb);
  }
  return z; // NaN
}

/** d/dx = σ(βx) in double-double (the threshold is handled by the callers). */
function dxDD(v: number, beta: number): number {
  const z = beta * v;
  return z === z ? sigmoidDD(z, productLo(beta, v, z)) : z;
}

/** d/dbeta in double-double (the threshold is handled by the callers). */
function dbetaDD(v: number, beta: number): number {
  const z = beta * v;
  if (z !== z) return z;
  const kb = exponentOf(beta);
  return -betaTerm(z, productLo(beta, v, z), scale2(beta, -kb), kb);
}

/** A sum of float64 terms with their rounding errors carried (Neumaier): d(loss)/d(beta). */
class BetaSum {
  #sum = 0;
  #comp = 0;

  /** Adds t + tl (a block's partial sum and its carried error, or one term and 0). */
  add(t: number, tl: number): void {
    const s = this.#sum + t;
    const b = s - this.#sum;
    this.#comp += this.#sum - (s - b) + (t - b) + tl;
    this.#sum = s;
  }

  /** The sum; an infinite or NaN sum is returned as is (its carried error would be NaN). */
  value(): number {
    return this.#sum - this.#sum === 0 ? this.#sum + this.#comp : this.#sum;
  }
}

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
