// swish: x·σ(βx) with a learnable beta; silu is beta = 1.
import { Type } from '@sinclair/typebox';
import { type FloatArray, defineActivation } from '../definition.js';
import { outputLike } from '../tensor.js';
import {
  BLOCK,
  DD,
  SILU_ROOT,
  SILU_WINDOW_32,
  SILU_WINDOW_64,
  ddDiv,
  ddMul,
  ddMulD,
  expLo,
  expPlain,
  expReduced,
  exponentOf,
  mulExp,
  productLo,
  scale2,
  scale2DD,
  sigmoidDD,
  siluPrime,
  siluPrimeLo,
  SLOW,
  twoProductLo,
} from '../special.js';

const HUGE = 1e290; // beyond this a product's split would overflow

export const swish = defineActivation({
  name: 'swish',
  summary: 'Swish: x·σ(beta·x) with a learnable beta; silu for beta = 1, relu as beta -> inf, x/2 at beta = 0.',
  formula: 'x \\, \\sigma(\\beta x) = \\frac{x}{1 + e^{-\\beta x}}',
  kind: 'elementwise',
  params: Type.Object(
    {
      beta: Type.Number({ default: 1, description: 'Sharpness of the sigmoid gate (learnable; 1 gives silu).' }),
    },
    { additionalProperties: false },
  ),
  learnable: ['beta'],
  hasKink: false,
  // With beta = 1 (silu): minimum -W(1/e) = -0.278464542761074.
  properties: { monotonic: false, smooth: true, bounded: false, zeroCentred: false, range: '[-0.278464542761074, +inf)' },
  forward(x, params, out) {
    const beta = params.beta;
    const src = x.data;
    if (src instanceof Float32Array) {
      const y = outputLike(src, src.length, out) as Float32Array;
      forward32(src, y, beta);
      return { data: y, shape: x.shape };
    }
    const y = outputLike(src, src.length, out) as Float64Array;
    forward64(src, y, beta);
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput, params, _kink, out) {
    const beta = params.beta;
    const src = x.data;
    const g = gradOutput.data;
    if (src instanceof Float32Array) {
      const gx = outputLike(src, src.length, out) as Float32Array;
      return { gradInput: { data: gx, shape: x.shape }, gradParams: { beta: backward32(src, g, gx, beta) } };
    }
    const gx = outputLike(src, src.length, out) as Float64Array;
    return { gradInput: { data: gx, shape: x.shape }, gradParams: { beta: backward64(src, g, gx, beta) } };
  },
});

// The fast forms need z = βx in [-300, 640] (e^-z and (1 + e^-z)^2 finite, e^-z normal), x^2
// finite and beta·x splittable (Dekker); otherwise, and for NaN, ±inf and beta = 0, the
// double-double forms below. (The loop shape is described in special.ts: fast form everywhere,
// slow elements redone.)
const LOW = -300;
const HIGH = 640;
const X_MAX = 1e150;

/** Whether beta lets the fast forms run at all (each element is checked as well). */
function fastBeta(beta: number): boolean {
  return beta !== 0 && Math.abs(beta) <= X_MAX;
}

/** Float32: x/(1 + e^-z) in plain doubles. */
function forward32(src: Float32Array, y: Float32Array, beta: number): void {
  const fastB = fastBeta(beta);
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      const z = beta * v;
      y[i] = v / (1 + expPlain(-z));
      if (!(fastB && z >= LOW && z <= HIGH)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      y[i] = swishDD(src[i], beta);
    }
  }
}

/**
 * Float64: x/(s + sl), s + sl = 1 + e^-(z + zl) carried exactly to first order (zl the rounding
 * error of beta·x), as r - r·sl/s with r = x/s: within 1 ULP.
 */
function forward64(src: Float64Array, y: Float64Array, beta: number): void {
  const fastB = fastBeta(beta);
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      const z = beta * v;
      const zl = twoProductLo(beta, v, z);
      const e = expLo(-z);
      const el = DD[1] - e * zl;
      const s = 1 + e;
      const b = s - 1;
      const sl = 1 - (s - b) + (e - b) + el;
      const r = v / s;
      y[i] = r - (r * sl) / s;
      if (!(fastB && z >= LOW && z <= HIGH && Math.abs(v) <= X_MAX)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      y[i] = swishDD(src[i], beta);
    }
  }
}

/**
 * Float32: silu'(z) and d/dbeta = x^2 e/(1 + e)^2 (e = e^-z) in plain doubles; d(loss)/d(beta)
 * summed in float64 with the rounding errors carried (two-sum, no branch). Returns that sum.
 */
function backward32(src: Float32Array, g: FloatArray, gx: Float32Array, beta: number): number {
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
      const e = expPlain(-z);
      const s = 1 + e;
      const inv = 1 / (s * s);
      const gi = g[i];
      gx[i] = gi * (1 + e * (1 + z)) * inv;
      let term = gi * v * v * e * inv;
      if (!(fastB && z >= LOW && z <= HIGH && Math.abs(z - SILU_ROOT) >= SILU_WINDOW_32)) {
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
      const v = src[i];
      const z = beta * v;
      gx[i] = g[i] * dxDD(v, z, beta);
      sum.add(g[i] * dbetaDD(v, z, beta), 0);
    }
  }
  return sum.value();
}

/** Float64: siluPrimeLo(z + zl) (about half an ULP) and d/dbeta (about an ULP) from one e^-z. */
function backward64(src: Float64Array, g: FloatArray, gx: Float64Array, beta: number): number {
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
      const e = expLo(-z);
      const el = DD[1] - e * zl;
      const gi = g[i];
      gx[i] = gi * siluPrimeLo(z, zl, e, el);
      // d/dbeta = x^2·e/(1 + e)^2 to first order: x^2·e and (1 + e)^2 carried exactly, about an ULP.
      const x2 = v * v;
      const x2l = twoProductLo(v, v, x2);
      const nb = x2 * e;
      const nbl = twoProductLo(x2, e, nb) + x2 * el + x2l * e;
      const s = 1 + e;
      const sb = s - 1;
      const sl = 1 - (s - sb) + (e - sb) + el;
      const S = s * s;
      const Sl = twoProductLo(s, s, S) + 2 * s * sl;
      const db = nb / S;
      let term = gi * (db + (nbl - db * Sl) / S);
      if (!(fastB && z >= LOW && z <= HIGH && Math.abs(v) <= X_MAX && Math.abs(z - SILU_ROOT) >= SILU_WINDOW_64)) {
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
      const v = src[i];
      const z = beta * v;
      gx[i] = g[i] * dxDD(v, z, beta);
      sum.add(g[i] * dbetaDD(v, z, beta), 0);
    }
  }
  return sum.value();
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

/** x·σ(βx) in double-double, for any x and beta. */
function swishDD(v: number, beta: number): number {
  const z = beta * v;
  if (!(Math.abs(v) < Infinity) || beta === 0) return limit(v, beta);
  const zl = productLo(beta, v, z);
  if (z < -700) return mulExp(v, 0, z, zl); // x·e^z: σ(z) alone would be subnormal
  if (z > 750) return v;
  const s = sigmoidDD(z, zl);
  return Math.abs(v) < HUGE ? ddMulD(s, DD[1], v) : v * s;
}

/** x·σ(βx) for x = ±inf or beta = 0. */
function limit(v: number, beta: number): number {
  if (beta === 0 || v !== v) return v / 2;
  if (beta * v > 0) return v;
  return v > 0 ? 0 : -0; // the gate closes: x·e^{βx} -> ±0 with the sign of x
}

/** d/dx x σ(βx) = σ(z) + z σ(z)σ(-z) = silu'(z), z = βx, in double-double, for any x and beta. */
function dxDD(v: number, z: number, beta: number): number {
  if (beta === 0) return v === v ? 0.5 : v; // x/2
  if (!(Math.abs(v) < Infinity)) return v !== v ? v : z > 0 ? 1 : -0;
  return siluPrime(z, productLo(beta, v, z));
}

/** d/dbeta x σ(βx) = x^2 σ(z)σ(-z) in double-double, for any x and beta. */
function dbetaDD(v: number, z: number, beta: number): number {
  if (beta === 0) return (v * v) / 4;
  if (!(Math.abs(v) < Infinity)) return v !== v ? v : 0;
  return betaGrad(v, z, productLo(beta, v, z));
}

/**
 * d/dbeta x σ(βx) = x^2 σ(z)σ(-z) for finite x, z = βx = zh + zl. Computed as
 * mx^2 · q/(1 + q)^2 · 2^(2k) with x = mx·2^k and q = e^{-|z|} kept as a mantissa and a power of
 * two, so that x^2 may overflow and q underflow while their product is a normal number.
 */
function betaGrad(v: number, zh: number, zl: number): number {
  if (v === 0 || Math.abs(zh) > 1e5) return 0; // x^2 <= 2^2048, e^{-|z|} < 2^-144000
  const k = exponentOf(v);
  const mx = scale2(v, -k);
  const m2 = mx * mx;
  const m2l = twoProductLo(mx, mx, m2);
  const n = zh < 0 ? expReduced(zh, zl) : expReduced(-zh, -zl);
  const qh = DD[0];
  const ql = DD[1];
  const num = ddMul(m2, m2l, qh, ql);
  const numl = DD[1];
  let den = 1;
  let denl = 0;
  if (n > -64) {
    // (1 + q)^2 with q = (qh + ql)·2^n <= 1
    const sh = scale2(qh, n);
    const sl = scale2(ql, n);
    const s = 1 + sh;
    const e = 1 - s + sh + sl;
    den = ddMul(s, e, s, e);
    denl = DD[1];
  }
  const r = ddDiv(num, numl, den, denl);
  return scale2DD(r, DD[1], 2 * k + n);
}
