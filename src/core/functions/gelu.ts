// gelu: x·Φ(x) through erfc (exact) or torch's tanh approximation, both rounded once.
import { Type } from '@sinclair/typebox';
import { type FloatArray, defineActivation } from '../definition.js';
import { outputLike } from '../tensor.js';
import {
  BLOCK,
  DD,
  ddAdd,
  ddMul,
  ddMulD,
  erfcDD,
  erfcxLo,
  erfcxPlain,
  ERFCX64_LIMIT,
  ERFCX_LIMIT,
  expDD,
  expLo,
  expPlain,
  expm1DD,
  mulExp,
  sigmoidDD,
  sigmoidPrimeDD,
  SLOW,
  twoProductLo,
  twoSumLo,
} from '../special.js';

const INV_SQRT2_HI = 0.7071067811865476;
const INV_SQRT2_LO = -4.833646656726457e-17;
const INV_SQRT_2PI_HI = 0.3989422804014327;
const INV_SQRT_2PI_LO = -2.49232720227773e-17;
// The tanh form's constants as real numbers (sqrt(2/pi) and 0.044715), in double-double: in the
// tail gelu ~ e^{v} with |v| up to 700, where a constant rounded to double moves the result by
// hundreds of ULP.
const SQRT_2_OVER_PI_HI = 0.7978845608028654;
const SQRT_2_OVER_PI_LO = -4.98465440455546e-17;
const KAPPA_HI = 0.044715;
const KAPPA_LO = 2.1960211427085595e-18;

// gelu'(x) = Φ(x) + xφ(x) vanishes at ROOT; within 0.2 of it a Taylor series in h = x - ROOT
// replaces the cancelling sum: coefficients c1..c19 from mpmath at 60 digits (truncation below
// 1e-20 relative), c1 and c2 in double-double.
const ROOT_HI = -0.7517915246935645;
const ROOT_LO = 1.4956759177009883e-17;
const ROOT_LO2 = 5.384040947833005e-34; // keeps h exact next to the root
const C1_HI = 0.4314939923140469;
const C1_LO = 2.7308688141129613e-17;
const C2_HI = 0.388284982990552;
const C2_LO = 2.3344842362524718e-17;
const ROOT_SERIES = new Float64Array([
  -0.018199676398671087, -0.1140082332972217, -0.014771522148244337, 0.019421679838189067, 0.004539228379125415,
  -0.002239538068073497, -0.0007448268386746817, 0.00018633974623233514, 8.615947861116571e-5,
  -1.121438018842664e-5, -7.74846130700372e-6, 4.3284506257392273e-7, 5.702764979242107e-7,
  -1.6044265494246427e-9, -3.5459866461783865e-8, -1.396942086426202e-9, 1.90319840501314e-9,
]);

// The tanh form's derivative vanishes at T_ROOT, where 1 + e^{v} + x v' = 0 with v(x) the
// argument 2·sqrt(2/pi)(x + 0.044715 x^3); T_EXP = e^{v(T_ROOT)}.
const T_ROOT_HI = -0.7524614220710163;
const T_ROOT_LO = 3.635560509207687e-17;
const T_ROOT_LO2 = -2.5415595389660457e-33;
const T_ROOT2_HI = 0.5661981917051361;
const T_ROOT2_LO = -4.279036294789613e-18;
const T_EXP_HI = 0.29195521191476714;
const T_EXP_LO = -8.582607951729513e-18;

export const gelu = defineActivation({
  name: 'gelu',
  summary:
    'Gaussian error linear unit x·Φ(x) (Φ the standard normal CDF), exactly through erfc or with torch\'s tanh approximation.',
  formula:
    '\\begin{cases} x \\, \\Phi(x) = \\frac{x}{2} \\operatorname{erfc}\\left(-\\frac{x}{\\sqrt{2}}\\right) & \\text{approximate = none} \\\\ \\frac{x}{2} \\left(1 + \\tanh\\left(\\sqrt{2/\\pi} \\left(x + 0.044715 \\, x^{3}\\right)\\right)\\right) & \\text{approximate = tanh} \\end{cases}',
  kind: 'elementwise',
  params: Type.Object(
    {
      approximate: Type.Union([Type.Literal('none'), Type.Literal('tanh')], {
        default: 'none',
        description: "'none': the exact x·Φ(x); 'tanh': torch's tanh approximation.",
      }),
    },
    { additionalProperties: false },
  ),
  learnable: [],
  hasKink: false,
  // Exact form: minimum -0.169971207479904 at x = -0.751791524693564 (tanh form: -0.170040750571254).
  properties: { monotonic: false, smooth: true, bounded: false, zeroCentred: false, range: '[-0.169971207479904, +inf)' },
  forward(x, params, out) {
    const src = x.data;
    const tanhForm = params.approximate === 'tanh';
    if (src instanceof Float32Array) {
      const y = outputLike(src, src.length, out) as Float32Array;
      if (tanhForm) tanhForward32(src, y);
      else exactForward32(src, y);
      return { data: y, shape: x.shape };
    }
    const y = outputLike(src, src.length, out) as Float64Array;
    if (tanhForm) tanhForward64(src, y);
    else exactForward64(src, y);
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput, params, _kink, out) {
    const src = x.data;
    const g = gradOutput.data;
    const tanhForm = params.approximate === 'tanh';
    if (src instanceof Float32Array) {
      const gx = outputLike(src, src.length, out) as Float32Array;
      if (tanhForm) tanhBackward32(src, g, gx);
      else exactBackward32(src, g, gx);
      return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
    }
    const gx = outputLike(src, src.length, out) as Float64Array;
    if (tanhForm) tanhBackward64(src, g, gx);
    else exactBackward64(src, g, gx);
    return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
  },
});

// Fast forms (the loop shape is described in special.ts: fast form everywhere, slow elements
// redone with the double-double functions further down).
//
// Exact form, float32: with z = |x|/sqrt 2 and E = e^{-z^2}, erfc(z) = E·erfcx(z) (erfcxPlain, 2^-48)
// and φ(x) = E/sqrt(2 pi): one exp for both. E's argument is rounded (z^2 to 2^-53 relative, an
// error z^2·2^-53 in E): below 2^-46 up to z = EXACT_FAST, |x| = 14.85, beyond which gelu of a
// float32 is x or rounds to 0 (as does its derivative). gelu' = Φ(x) + xφ(x) cancels near ROOT_HI:
// within ROOT_WINDOW_32 the double-double form (outside it the cancellation costs at most 2^7).
const EXACT_FAST = ERFCX_LIMIT;
const ROOT_WINDOW_32 = 2 ** -7;
// Tanh form: x/(1 + e^-u), u = 2 sqrt(2/pi)(x + 0.044715 x^3). Above u = 40, σ(u) rounds to 1 (and
// x itself is the answer); below -TANH_FAST, e^-u overflows. The derivative cancels near
// T_ROOT_HI: within ROOT_WINDOW_32 the double-double form.
const TANH_FAST = 640;
const TANH_PRIME_FAST = 300; // (1 + e^-u)^2 stays finite
// Above this u the derivative is 1 to the last bit: x·u'·e^-u < 2^-60 (x·u' < 4u for u > 1).
const TANH_PRIME_ONE = 50;
const TWO_SQRT_2_OVER_PI = 2 * SQRT_2_OVER_PI_HI; // float32 paths: the rounded constants suffice
const KAPPA_3 = 3 * KAPPA_HI;

/** Float32, exact form: x(1 - erfc(z)/2) for x >= 0, x·erfc(z)/2 below, z = |x|/sqrt 2. */
function exactForward32(src: Float32Array, y: Float32Array): void {
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      const z = Math.abs(v) * INV_SQRT2_HI;
      const h = 0.5 * expPlain(-z * z) * erfcxPlain(z); // Φ(-|x|)
      const pos = Number(v >= 0);
      y[i] = v * (h + pos * (1 - 2 * h)); // Φ(x) = h below 0, 1 - h above
      if (!(z < EXACT_FAST)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      y[i] = geluExact(src[i]);
    }
  }
}

/** Float32, exact form: Φ(x) + xφ(x) in plain doubles. */
function exactBackward32(src: Float32Array, g: FloatArray, gx: Float32Array): void {
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      const z = Math.abs(v) * INV_SQRT2_HI;
      const e = expPlain(-z * z);
      const h = 0.5 * e * erfcxPlain(z);
      const pos = Number(v >= 0);
      gx[i] = g[i] * (h + pos * (1 - 2 * h) + v * e * INV_SQRT_2PI_HI);
      if (!(z < EXACT_FAST && Math.abs(v - ROOT_HI) >= ROOT_WINDOW_32)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      gx[i] = g[i] * geluExactPrime(src[i]);
    }
  }
}

/**
 * Φ(x) in double-double for the float64 paths, from |x| and its sign (pos = 1 for x >= 0): with
 * z = |x|/sqrt 2 in double-double, erfc(z) = e^{-z^2}·erfcx(z) (expLo, erfcxLo: 2^-57 and the table's
 * 2^-55 at worst, near z = 1.2), Φ(-|x|) = erfc(z)/2 and Φ(|x|) = 1 - erfc(z)/2. Leaves Φ's low part
 * in DD[1] and e^{-x^2/2} (hi, lo) in PDF_PARTS for the derivative. Written out (no helper calls
 * beyond these) so that V8 inlines all of it.
 */
function phiLo(a: number, pos: number): number {
  const zh = a * INV_SQRT2_HI;
  const zl = twoProductLo(a, INV_SQRT2_HI, zh) + a * INV_SQRT2_LO;
  // z^2 = x^2/2 exactly as a double-double: (a^2 + TPL)/2.
  const s = a * a;
  const sl = twoProductLo(a, a, s);
  const e = expLo(-0.5 * s);
  const el = DD[1] - e * (0.5 * sl);
  PDF_PARTS[0] = e;
  PDF_PARTS[1] = el;
  const xh = erfcxLo(zh, zl);
  const xl = DD[1];
  const f = 0.5 * e * xh; // Φ(-|x|) = erfc(z)/2
  const fl = 0.5 * (twoProductLo(e, xh, 2 * f) + e * xl + el * xh);
  const q = 1 - f; // Φ(|x|); fast two-sum, f <= 1/2
  const ql = 1 - q - f - fl;
  const h = pos * q + (1 - pos) * f;
  DD[1] = pos * ql + (1 - pos) * fl;
  return h;
}
/** e^{-x^2/2} of the last phiLo call, hi and lo. */
const PDF_PARTS = new Float64Array(2);

// Float64, exact form: the fast forms up to EXACT_FAST_64 (where erfc(z) leaves the normal range);
// above it x·Φ(x) is x and gelu' is 1 to the last bit, below it the double-double forms take over,
// as they do for gelu' within ROOT_WINDOW_64 of its root, where the root's series is exact.
const EXACT_FAST_64 = ERFCX64_LIMIT * Math.SQRT2 - 0.01;
const ROOT_WINDOW_64 = 0.2;

/** Float64, exact form: x·Φ(x), one product away from Φ's double-double: about half an ULP. */
function exactForward64(src: Float64Array, y: Float64Array): void {
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      const a = Math.abs(v);
      const ph = phiLo(a, Number(v >= 0));
      const p = v * ph;
      const r = p + (twoProductLo(v, ph, p) + v * DD[1]);
      y[i] = v > EXACT_FAST_64 ? v : r;
      if (!(a <= EXACT_FAST_64) && !(v > EXACT_FAST_64)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      y[i] = geluExact(src[i]);
    }
  }
}

/**
 * Float64, exact form: Φ(x) + xφ(x) in double-double. Outside ROOT_WINDOW_64 the two terms
 * cancel at most 6-fold: about 2^-54 before the final rounding.
 */
function exactBackward64(src: Float64Array, g: FloatArray, gx: Float64Array): void {
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      const a = Math.abs(v);
      const ph = phiLo(a, Number(v >= 0));
      const phl = DD[1];
      // x·φ(x) = x·e^{-x^2/2}/sqrt(2 pi)
      const e = PDF_PARTS[0];
      const w = e * INV_SQRT_2PI_HI;
      const wl = twoProductLo(e, INV_SQRT_2PI_HI, w) + e * INV_SQRT_2PI_LO + PDF_PARTS[1] * INV_SQRT_2PI_HI;
      const u = v * w;
      const ul = twoProductLo(v, w, u) + v * wl;
      const d = ph + u;
      const dl = twoSumLo(ph, u, d) + phl + ul;
      gx[i] = g[i] * (v > EXACT_FAST_64 ? 1 : d + dl);
      if (!(a <= EXACT_FAST_64 && Math.abs(v - ROOT_HI) >= ROOT_WINDOW_64) && !(v > EXACT_FAST_64)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      gx[i] = g[i] * geluExactPrime(src[i]);
    }
  }
}

/** Float32, tanh form: x/(1 + e^-u) in plain doubles. */
function tanhForward32(src: Float32Array, y: Float32Array): void {
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      const u = TWO_SQRT_2_OVER_PI * v * (1 + KAPPA_HI * v * v);
      y[i] = u > 40 ? v : v / (1 + expPlain(-u));
      if (!(u >= -TANH_FAST)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      y[i] = geluTanh(src[i]);
    }
  }
}

/** Float32, tanh form: (1 + e(1 + x u'))/(1 + e)^2, e = e^-u, in plain doubles. */
function tanhBackward32(src: Float32Array, g: FloatArray, gx: Float32Array): void {
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      const v2 = v * v;
      const u = TWO_SQRT_2_OVER_PI * v * (1 + KAPPA_HI * v2);
      const xu = TWO_SQRT_2_OVER_PI * v * (1 + KAPPA_3 * v2); // x·u'
      const e = expPlain(-u);
      const s = 1 + e;
      gx[i] = g[i] * (u > TANH_PRIME_ONE ? 1 : (1 + e * (1 + xu)) / (s * s));
      if (!(u >= -TANH_PRIME_FAST && Math.abs(v - T_ROOT_HI) >= ROOT_WINDOW_32)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      gx[i] = g[i] * geluTanhPrime(src[i]);
    }
  }
}

/**
 * Float64, tanh form: u = 2 sqrt(2/pi)·x(1 + κx^2) carried in double-double (σ(u) for u << 0 is
 * e^u, whose relative error is |u| times u's), then x/(s + sl) with s + sl = 1 + e^-u to first
 * order as in silu: within 1 ULP.
 */
function tanhForward64(src: Float64Array, y: Float64Array): void {
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      const s = v * v;
      const sl = twoProductLo(v, v, s);
      const k = KAPPA_HI * s;
      const kl = twoProductLo(KAPPA_HI, s, k) + KAPPA_HI * sl + KAPPA_LO * s;
      const w = 1 + k;
      const wb = w - k;
      const wl = k - (w - wb) + (1 - wb) + kl;
      const p = v * w;
      const pl = twoProductLo(v, w, p) + v * wl;
      const u = 2 * SQRT_2_OVER_PI_HI * p;
      const ul = twoProductLo(2 * SQRT_2_OVER_PI_HI, p, u) + 2 * (SQRT_2_OVER_PI_HI * pl + SQRT_2_OVER_PI_LO * p);
      const e = expLo(-u);
      const el = DD[1] - e * ul;
      const d = 1 + e;
      const db = d - 1;
      const dl = 1 - (d - db) + (e - db) + el;
      const r = v / d;
      y[i] = u > 40 ? v : r - (r * dl) / d;
      if (!(u >= -TANH_FAST)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      y[i] = geluTanh(src[i]);
    }
  }
}

// Scratch for tanhBackward64: u and x·u' of a block, in double-double.
const U_HI = new Float64Array(BLOCK);
const U_LO = new Float64Array(BLOCK);
const XU_HI = new Float64Array(BLOCK);
const XU_LO = new Float64Array(BLOCK);
const TANH_ROOT_WINDOW_64 = 0.2;

/**
 * Float64, tanh form: (1 + e(1 + x u'))/(1 + e)^2, e = e^-u, with u and x·u' = 2 sqrt(2/pi)·
 * x(1 + 3κx^2) in double-double (a first pass over the block: all of it in one loop would be
 * more than V8 inlines), then the numerator and (1 + e)^2 carried exactly and the quotient's
 * remainder exact. Outside TANH_ROOT_WINDOW_64 of the root the numerator cancels at most a few-fold.
 */
function tanhBackward64(src: Float64Array, g: FloatArray, gx: Float64Array): void {
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    for (let i = start; i < end; i++) {
      const v = src[i];
      const s = v * v;
      const sl = twoProductLo(v, v, s);
      const k = KAPPA_HI * s;
      const kl = twoProductLo(KAPPA_HI, s, k) + KAPPA_HI * sl + KAPPA_LO * s;
      // u = C·v(1 + k)
      const w = 1 + k;
      const wb = w - k;
      const wl = k - (w - wb) + (1 - wb) + kl;
      const p = v * w;
      const pl = twoProductLo(v, w, p) + v * wl;
      const u = 2 * SQRT_2_OVER_PI_HI * p;
      U_HI[i - start] = u;
      U_LO[i - start] = twoProductLo(2 * SQRT_2_OVER_PI_HI, p, u) + 2 * (SQRT_2_OVER_PI_HI * pl + SQRT_2_OVER_PI_LO * p);
      // x·u' = C·v(1 + 3k)
      const k3 = 3 * k;
      const k3l = twoProductLo(3, k, k3) + 3 * kl;
      const w3 = 1 + k3;
      const w3b = w3 - k3;
      const w3l = k3 - (w3 - w3b) + (1 - w3b) + k3l;
      const p3 = v * w3;
      const p3l = twoProductLo(v, w3, p3) + v * w3l;
      const xu = 2 * SQRT_2_OVER_PI_HI * p3;
      XU_HI[i - start] = xu;
      XU_LO[i - start] = twoProductLo(2 * SQRT_2_OVER_PI_HI, p3, xu) + 2 * (SQRT_2_OVER_PI_HI * p3l + SQRT_2_OVER_PI_LO * p3);
    }
    let slow = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      const u = U_HI[i - start];
      const e = expLo(-u);
      const el = DD[1] - e * U_LO[i - start];
      // m = 1 + x u'
      const xu = XU_HI[i - start];
      const m = 1 + xu;
      const mb = m - xu;
      const ml = xu - (m - mb) + (1 - mb) + XU_LO[i - start];
      // N = 1 + e·m
      const P = e * m;
      const Pl = twoProductLo(e, m, P) + e * ml + el * m;
      const num = 1 + P;
      const nb = num - P;
      const nl = P - (num - nb) + (1 - nb) + Pl;
      // (1 + e)^2
      const s = 1 + e;
      const sb = s - 1;
      const sl = 1 - (s - sb) + (e - sb) + el;
      const S = s * s;
      const Sl = twoProductLo(s, s, S) + 2 * s * sl;
      const r = num / S;
      const q = r * S;
      const d = r + (num - q - twoProductLo(r, S, q) + nl - r * Sl) / S; // num - q is exact (Sterbenz)
      gx[i] = g[i] * (u > TANH_PRIME_ONE ? 1 : d);
      if (!(u >= -TANH_PRIME_FAST && Math.abs(v) <= 1e4 && Math.abs(v - T_ROOT_HI) >= TANH_ROOT_WINDOW_64) && !(u > TANH_PRIME_ONE)) {
        SLOW[slow++] = i;
      }
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      gx[i] = g[i] * geluTanhPrime(src[i]);
    }
  }
}

/** erfc(|x|/sqrt 2) in DD, the argument carried in double-double. */
function erfcHalf(a: number): number {
  const zh = a * INV_SQRT2_HI;
  return erfcDD(zh, twoProductLo(a, INV_SQRT2_HI, zh) + a * INV_SQRT2_LO);
}

/**
 * For t >= 20: Φ(-t) = φ(t)/t · A(1/t^2) with A(w) = sum (-1)^k (2k-1)!! w^k (the asymptotic
 * series of the Mills ratio, 14 terms: below 1e-22 from t = 20 on). Leaves A in DD.
 */
function millsSeries(t: number): number {
  const w = 1 / (t * t);
  let b = 1;
  for (let k = 27; k >= 3; k -= 2) b = 1 - k * w * b;
  const p = w * b;
  const a = 1 - p;
  DD[0] = a;
  DD[1] = 1 - a - p;
  return a;
}

/** Half of t^2 as a double-double exponent -t^2/2: returns the high part, low in DD[1]. */
function minusHalfSquare(t: number): number {
  const s = t * t;
  DD[1] = -0.5 * twoProductLo(t, t, s);
  return -0.5 * s;
}

export function geluExact(v: number): number {
  if (v >= 0) {
    if (v > 40) return v; // erfc(-x/sqrt 2) = 2 - 1e-350
    const e = erfcHalf(v);
    ddAdd(1, 0, -0.5 * e, -0.5 * DD[1]); // Φ(x) = 1 - erfc(x/sqrt 2)/2
    return ddMulD(DD[0], DD[1], v);
  }
  if (v < 0) {
    const t = -v;
    if (t < 20) {
      const e = erfcHalf(t);
      return -ddMulD(e, DD[1], 0.5 * t);
    }
    if (t > 40) return -0; // |gelu| < 1e-348
    // -t Φ(-t) = -φ(t)·A(1/t^2), φ(t) = e^{-t^2/2}/sqrt(2 pi), scaled past the underflow of e^{-t^2/2}.
    const a = millsSeries(t);
    const m = ddMul(a, DD[1], INV_SQRT_2PI_HI, INV_SQRT_2PI_LO);
    const ml = DD[1];
    const eh = minusHalfSquare(t);
    return -mulExp(m, ml, eh, DD[1]);
  }
  return v; // NaN
}

export function geluExactPrime(v: number): number {
  if (v >= 0) {
    if (v > 40) return 1;
    // Φ(x) + xφ(x): two positive terms.
    const e = erfcHalf(v);
    const p = ddAdd(1, 0, -0.5 * e, -0.5 * DD[1]);
    const pl = DD[1];
    const eh = minusHalfSquare(v);
    const f = expDD(eh, DD[1]);
    ddMul(f, DD[1], INV_SQRT_2PI_HI, INV_SQRT_2PI_LO);
    ddMulD(DD[0], DD[1], v);
    return ddAdd(p, pl, DD[0], DD[1]);
  }
  if (v < 0) {
    const t = -v;
    if (v > -0.9518 && v < -0.5518) {
      const h = ddAdd(v - ROOT_HI, 0, -ROOT_LO, -ROOT_LO2); // v - ROOT_HI is exact (Sterbenz)
      const hl = DD[1];
      // h·(c1 + h·(c2 + h·R(h))), the last two steps in double-double.
      let r = ROOT_SERIES[ROOT_SERIES.length - 1];
      for (let k = ROOT_SERIES.length - 2; k >= 0; k--) r = r * h + ROOT_SERIES[k];
      const rh = h * r;
      ddAdd(C2_HI, C2_LO, rh, twoProductLo(h, r, rh) + hl * r);
      ddMul(DD[0], DD[1], h, hl);
      ddAdd(C1_HI, C1_LO, DD[0], DD[1]);
      return ddMul(DD[0], DD[1], h, hl);
    }
    if (t < 20) {
      // Φ(-t) - tφ(t), each to ~2^-56: the difference keeps it away from the root.
      const e = erfcHalf(t);
      const el = DD[1];
      const eh = minusHalfSquare(t);
      const f = expDD(eh, DD[1]);
      ddMul(f, DD[1], INV_SQRT_2PI_HI, INV_SQRT_2PI_LO);
      ddMulD(DD[0], DD[1], t);
      return ddAdd(0.5 * e, 0.5 * el, -DD[0], -DD[1]);
    }
    if (t > 40) return -0;
    // Φ(-t) - tφ(t) = -tφ(t)·(1 - A(1/t^2)/t^2).
    const a = millsSeries(t);
    const w = 1 / (t * t);
    const p = a * w;
    const b = 1 - p;
    ddMul(b, 1 - b - p + DD[1] * w, INV_SQRT_2PI_HI, INV_SQRT_2PI_LO);
    const m = ddMulD(DD[0], DD[1], t);
    const ml = DD[1];
    const eh = minusHalfSquare(t);
    return -mulExp(m, ml, eh, DD[1]);
  }
  return v; // NaN
}

/** v(x) = 2 sqrt(2/pi)(x + 0.044715 x^3) in DD, for |x| <= 1e4. */
function tanhArg(x: number): number {
  const s = x * x;
  const sl = twoProductLo(x, x, s);
  ddMul(KAPPA_HI, KAPPA_LO, s, sl);
  ddAdd(1, 0, DD[0], DD[1]);
  ddMulD(DD[0], DD[1], x);
  return ddMul(DD[0], DD[1], 2 * SQRT_2_OVER_PI_HI, 2 * SQRT_2_OVER_PI_LO);
}

/** x/2 (1 + tanh(v/2)) = x σ(v): 1 + tanh cancels for v << 0, σ does not. */
export function geluTanh(x: number): number {
  if (!(Math.abs(x) <= 1e4)) {
    if (x > 0) return x;
    return x < 0 ? -0 : x; // σ(v) < e^{-1e11}; NaN stays NaN
  }
  const vh = tanhArg(x);
  const vl = DD[1];
  if (vh < -700) return mulExp(x, 0, vh, vl);
  const s = sigmoidDD(vh, vl);
  return ddMulD(s, DD[1], x);
}

/** d/dx x σ(v(x)) = σ(v)(1 + x v' σ(-v)), v' = 2 sqrt(2/pi)(1 + 3·0.044715 x^2). */
export function geluTanhPrime(x: number): number {
  if (!(Math.abs(x) <= 1e4)) {
    if (x > 0) return 1;
    return x < 0 ? -0 : x;
  }
  const vh = tanhArg(x);
  const vl = DD[1];
  // x v' = 2 sqrt(2/pi)(x + 3·0.044715 x^3)
  const s = x * x;
  const sl = twoProductLo(x, x, s);
  ddMul(KAPPA_HI, KAPPA_LO, s, sl);
  ddMulD(DD[0], DD[1], 3);
  ddAdd(1, 0, DD[0], DD[1]);
  ddMulD(DD[0], DD[1], x);
  const xvp = ddMul(DD[0], DD[1], 2 * SQRT_2_OVER_PI_HI, 2 * SQRT_2_OVER_PI_LO);
  const xvpl = DD[1];
  if (vh < -700) {
    // σ(v) = e^v, σ(-v) = 1 to a relative 1e-300: e^v (1 + x v').
    const m = ddAdd(1, 0, xvp, xvpl);
    return mulExp(m, DD[1], vh, vl);
  }
  if (x >= -1.5 && x <= -0.38) return nearRoot(x, s, sl, vh, vl);
  const c = sigmoidDD(-vh, -vl);
  ddMul(xvp, xvpl, c, DD[1]);
  ddAdd(1, 0, DD[0], DD[1]);
  const bh = DD[0];
  const bl = DD[1];
  const p = sigmoidDD(vh, vl);
  return ddMul(p, DD[1], bh, bl);
}

/**
 * Near T_ROOT: σ(v)σ(-v)·N with N = 1 + e^v + x v', rewritten through h = x - T_ROOT and
 * q = x^2 + x T_ROOT + T_ROOT^2 as N = T_EXP·expm1(Δv) + 2 sqrt(2/pi)·h·(1 + 3κ q), where
 * Δv = v(x) - v(T_ROOT) = 2 sqrt(2/pi)·h·(1 + κ q): both terms have the sign of h.
 */
function nearRoot(x: number, s: number, sl: number, vh: number, vl: number): number {
  const h = ddAdd(x - T_ROOT_HI, 0, -T_ROOT_LO, -T_ROOT_LO2); // x - T_ROOT_HI is exact (Sterbenz)
  const hl = DD[1];
  ddMulD(T_ROOT_HI, T_ROOT_LO, x);
  ddAdd(DD[0], DD[1], s, sl);
  const q = ddAdd(DD[0], DD[1], T_ROOT2_HI, T_ROOT2_LO);
  const ql = DD[1];
  const kq = ddMul(KAPPA_HI, KAPPA_LO, q, ql);
  const kql = DD[1];
  const ch = ddMul(h, hl, 2 * SQRT_2_OVER_PI_HI, 2 * SQRT_2_OVER_PI_LO); // 2 sqrt(2/pi) h
  const cl = DD[1];
  ddAdd(1, 0, kq, kql);
  const dv = ddMul(DD[0], DD[1], ch, cl);
  const m = expm1DD(dv, DD[1]);
  const t1 = ddMul(m, DD[1], T_EXP_HI, T_EXP_LO);
  const t1l = DD[1];
  ddMulD(kq, kql, 3);
  ddAdd(1, 0, DD[0], DD[1]);
  ddMul(DD[0], DD[1], ch, cl);
  const n = ddAdd(DD[0], DD[1], t1, t1l);
  const nl = DD[1];
  const p = sigmoidPrimeDD(vh, vl);
  return ddMul(p, DD[1], n, nl);
}
