// mish: x·tanh(softplus(x)), through the rational form of tanh(log(1 + e^x)) in e^x.
import { Type } from '@sinclair/typebox';
import { type FloatArray, defineActivation } from '../definition.js';
import { elementwiseDispatch } from '../elementwise-dispatch.js';
import {
  BLOCK,
  DD,
  SLOW,
  ddAdd,
  ddDiv,
  ddMul,
  ddMulD,
  expDD,
  expLo,
  expPlain,
  expm1DD,
  mulExp,
  twoProductLo,
} from '../special.js';

// With e = e^x: tanh(log(1 + e)) = e(e + 2)/(e(e + 2) + 2) = (1 + 2q)/(1 + 2q + 2q^2), q = e^-x,
// and mish'(x) = e·g(x)/(e^2 + 2e + 2)^2 with g = e^3 + 4e^2 + 6e + 4 + 4x(1 + e).
// g vanishes at MISH_ROOT = -1.19243; with u = x - MISH_ROOT and e_r = e^MISH_ROOT,
// g = e_r^3 expm1(3u) + 4e_r^2 expm1(2u) + (6 + 4 MISH_ROOT) e_r expm1(u) + 4u + 4 e_r u e^u:
// every term has the sign of u (all coefficients are positive), so nothing cancels.
const ROOT_HI = -1.1924312145154952;
const ROOT_LO = -4.8484829848031044e-17;
const ROOT_LO2 = -1.898915114090381e-33; // keeps u exact next to the root
const K3_HI = 0.027951242009170138; // e_r^3
const K3_LO = -1.5633959020088361e-18;
const K2_HI = 0.3684065968836178; // 4 e_r^2
const K2_LO = -1.6374479330455505e-17;
const K1_HI = 0.3733670191691929; // (6 + 4 MISH_ROOT) e_r
const K1_LO = 3.71037750737167e-18;
const K0_HI = 1.2139301411261156; // 4 e_r
const K0_LO = 7.924469739057636e-17;

export const mish = defineActivation({
  name: 'mish',
  summary: 'Mish: x·tanh(softplus(x)); smooth and non-monotonic, dips to -0.3088 near x = -1.19.',
  formula: 'x \\tanh\\left(\\log\\left(1 + e^{x}\\right)\\right)',
  kind: 'elementwise',
  params: Type.Object({}, { additionalProperties: false }),
  learnable: [],
  hasKink: false,
  // Minimum -0.308843413017250 at x = -1.192431214515495.
  properties: { monotonic: false, smooth: true, bounded: false, zeroCentred: false, range: '[-0.30884341301725, +inf)' },
  ...elementwiseDispatch(forward32, forward64, backward32, backward64),
});

// The fast forms work with e = e^x on [LOW, HIGH] (e normal; e^4 finite); above HIGH mish is x
// and mish' is 1 to the last bit (the corrections are below e^-80). Near MISH_ROOT, mish' cancels:
// within 2^-8 (float32) or 0.25 (float64) of it, and for NaN, ±inf and x < LOW, the double-double
// forms. (The loop shape is described in special.ts: fast form everywhere, slow elements redone.)
const LOW = -640;
const HIGH = 40;
const WINDOW_32 = 2 ** -8;
const WINDOW_64 = 0.25;

/** mish(x) in double-double, for any x (the reference of the fast forms). */
export function mishDD(v: number): number {
  if (v >= 0) {
    // x(1 - 2q^2/(1 + 2q + 2q^2)); the correction is below ulp(x) from x = 40 on.
    if (v > 40) return v;
    const q = expDD(-v, 0);
    const ql = DD[1];
    const q2 = ddMul(q, ql, q, ql);
    const q2l = DD[1];
    ddAdd(1, 0, 2 * q, 2 * ql);
    const d = ddAdd(DD[0], DD[1], 2 * q2, 2 * q2l);
    const w = ddDiv(2 * q2, 2 * q2l, d, DD[1]);
    ddAdd(1, 0, -w, -DD[1]);
    return ddMulD(DD[0], DD[1], v);
  }
  if (v >= -700) {
    const e = expDD(v, 0);
    const el = DD[1];
    const n = ddMul(e, el, e + 2, 2 - (e + 2) + e + el); // e(e + 2)
    const nl = DD[1];
    const s = n + 2;
    ddDiv(n, nl, s, 2 - s + n + nl);
    return ddMulD(DD[0], DD[1], v);
  }
  // tanh(softplus(x)) = e^x(1 - e^x/2 + ...): x·e^x, scaled past the underflow of e^x.
  return v === -Infinity ? -0 : mulExp(v, 0, v, 0); // NaN stays NaN
}

/** Float32: x·n/(n + 2), n = e(e + 2), in plain doubles. */
function forward32(src: Float32Array, y: Float32Array): void {
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      const e = expPlain(v);
      const m = e * (e + 2);
      y[i] = v > HIGH ? v : (v * m) / (m + 2);
      if (!(v >= LOW)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      y[i] = mishDD(src[i]);
    }
  }
}

/**
 * Float64: x·n/(n + 2) with n = e(e + 2) and x·n carried exactly to first order (e to 2^-58), one
 * corrected division: within 1 ULP.
 */
function forward64(src: Float64Array, y: Float64Array): void {
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      const e = expLo(v);
      const el = DD[1];
      const a = e + 2;
      const ab = a - e;
      const al = e - (a - ab) + (2 - ab) + el;
      const m = e * a;
      const ml = twoProductLo(e, a, m) + e * al + el * a;
      const d = m + 2;
      const db = d - m;
      const dl = m - (d - db) + (2 - db) + ml;
      const p = v * m;
      const pl = twoProductLo(v, m, p) + v * ml;
      const r = p / d;
      y[i] = v > HIGH ? v : r + (pl - r * dl) / d;
      if (!(v >= LOW)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      y[i] = mishDD(src[i]);
    }
  }
}

/**
 * Float32: mish' = T + U with T = n/D, U = 4x·e(1 + e)/D^2, D = n + 2 (the numerator g of the
 * header split as (e + 2)D + 4x(1 + e)), in plain doubles.
 */
function backward32(src: Float32Array, g: FloatArray, gx: Float32Array): void {
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      const e = expPlain(v);
      const m = e * (e + 2);
      const inv = 1 / (m + 2);
      const d = m * inv + 4 * v * e * (1 + e) * inv * inv;
      gx[i] = g[i] * (v > HIGH ? 1 : d);
      if (!(v >= LOW && Math.abs(v - ROOT_HI) >= WINDOW_32)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      gx[i] = g[i] * mishPrime(src[i]);
    }
  }
}

/**
 * Float64: mish' = M/D^2 with M = nD + 4x·e(1 + e) (T + U over one denominator), every product
 * and sum carried exactly to first order (e to 2^-58) and the quotient's remainder exact. Away
 * from the root, nD and 4x·e(1 + e) cancel at most 8-fold: about 2^-55 before the final rounding.
 */
function backward64(src: Float64Array, g: FloatArray, gx: Float64Array): void {
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      const e = expLo(v);
      gx[i] = g[i] * (v > HIGH ? 1 : mishPrimeLo(v, e, DD[1]));
      if (!(v >= LOW && Math.abs(v - ROOT_HI) >= WINDOW_64)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      gx[i] = g[i] * mishPrime(src[i]);
    }
  }
}

/** M/D^2 (see backward64) for e = e^x = eh + el. Written out: helper calls would not all inline. */
function mishPrimeLo(v: number, eh: number, el: number): number {
  // a = 1 + e
  const a = 1 + eh;
  const ab = a - eh;
  const al = eh - (a - ab) + (1 - ab) + el;
  // P = e(1 + e)
  const P = eh * a;
  const Pl = twoProductLo(eh, a, P) + eh * al + el * a;
  // m = P + e = e^2 + 2e (both positive)
  const m = P + eh;
  const mb = m - P;
  const ml = P - (m - mb) + (eh - mb) + Pl + el;
  // D = m + 2
  const d = m + 2;
  const db = d - m;
  const dl = m - (d - db) + (2 - db) + ml;
  // m·D and 4x·P
  const q = m * d;
  const ql = twoProductLo(m, d, q) + m * dl + ml * d;
  const x4 = 4 * v;
  const u = x4 * P;
  const ul = twoProductLo(x4, P, u) + x4 * Pl;
  // M = q + u
  const M = q + u;
  const Mb = M - q;
  const Ml = q - (M - Mb) + (u - Mb) + ql + ul;
  // D^2
  const S = d * d;
  const Sl = twoProductLo(d, d, S) + 2 * d * dl;
  const r = M / S;
  const p = r * S;
  return r + (M - p - twoProductLo(r, S, p) + Ml - r * Sl) / S; // M - p is exact (Sterbenz)
}

/** mish'(x) = tanh(sp) + x·sech^2(sp)·σ(x), sp = softplus(x), in double-double. */
export function mishPrime(v: number): number {
  if (v >= 0) {
    if (v > 40) return 1; // 1 + O(x e^{-2x})
    // (1 + 2q)/D + 4x q^2 (1 + q)/D^2 with q = e^-x, D = 1 + 2q + 2q^2: two positive terms.
    const q = expDD(-v, 0);
    const ql = DD[1];
    const q2 = ddMul(q, ql, q, ql);
    const q2l = DD[1];
    const a = ddAdd(1, 0, 2 * q, 2 * ql);
    const al = DD[1];
    const d = ddAdd(a, al, 2 * q2, 2 * q2l);
    const dl = DD[1];
    const t = ddDiv(a, al, d, dl);
    const tl = DD[1];
    ddAdd(1, 0, q, ql);
    ddMul(DD[0], DD[1], q2, q2l);
    const b = ddMulD(DD[0], DD[1], 4 * v);
    const bl = DD[1];
    const d2 = ddMul(d, dl, d, dl);
    ddDiv(b, bl, d2, DD[1]);
    return ddAdd(t, tl, DD[0], DD[1]);
  }
  if (v >= -700) {
    const e = expDD(v, 0);
    const el = DD[1];
    let gh: number;
    let gl: number;
    if (v > -4) {
      gh = gRoot(v);
      gl = DD[1];
    } else {
      // e < 0.02: e^3 + 4e^2 + 6e + 4 + 4x + 4xe, dominated by 4 + 4x < -12.
      ddAdd(e, el, 4, 0);
      ddMul(DD[0], DD[1], e, el);
      ddAdd(DD[0], DD[1], 6, 0);
      ddMul(DD[0], DD[1], e, el);
      const p = ddAdd(DD[0], DD[1], 4, 0);
      const pl = DD[1];
      ddAdd(1, 0, e, el);
      ddMulD(DD[0], DD[1], 4 * v);
      gh = ddAdd(p, pl, DD[0], DD[1]);
      gl = DD[1];
    }
    // e·g/(e^2 + 2e + 2)^2
    const n = ddMul(e, el, gh, gl);
    const nl = DD[1];
    ddMul(e, el, e + 2, 2 - (e + 2) + e + el);
    const s = ddAdd(DD[0], DD[1], 2, 0);
    const sl = DD[1];
    const s2 = ddMul(s, sl, s, sl);
    return ddDiv(n, nl, s2, DD[1]);
  }
  if (v === -Infinity) return -0;
  // e^x g/4 with g = 4 + 4x to a relative 1e-300: e^x(1 + x), scaled past the underflow of e^x.
  const m = 1 + v;
  return mulExp(m, 1 - m + v, v, 0); // NaN stays NaN
}

/** g(x) through u = x - MISH_ROOT (see the header), for -4 < x < 0; leaves g in DD. */
function gRoot(v: number): number {
  ddAdd(v, 0, -ROOT_HI, 0); // exact
  const uh = ddAdd(DD[0], DD[1], -ROOT_LO, -ROOT_LO2);
  const ul = DD[1];
  const m1 = expm1DD(uh, ul);
  const m1l = DD[1];
  const t1 = ddMul(K1_HI, K1_LO, m1, m1l);
  const t1l = DD[1];
  ddMulD(uh, ul, 3);
  const m3 = expm1DD(DD[0], DD[1]);
  const t3 = ddMul(K3_HI, K3_LO, m3, DD[1]);
  const t3l = DD[1];
  const m2 = expm1DD(2 * uh, 2 * ul);
  ddMul(K2_HI, K2_LO, m2, DD[1]);
  let h = ddAdd(DD[0], DD[1], t3, t3l);
  let l = DD[1];
  h = ddAdd(h, l, t1, t1l);
  l = DD[1];
  h = ddAdd(h, l, 4 * uh, 4 * ul);
  l = DD[1];
  // 4 e_r u e^u = K0·u·(1 + expm1(u))
  ddAdd(1, 0, m1, m1l);
  ddMul(DD[0], DD[1], uh, ul);
  ddMul(DD[0], DD[1], K0_HI, K0_LO);
  return ddAdd(h, l, DD[0], DD[1]);
}
