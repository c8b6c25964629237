// Shared numerics: double-double arithmetic, an extended-precision exp, the logistic function and
// its relatives, erfc and tanh, accurate enough that each activation rounds only once at the end.
//
// Why double-double: the catalogue promises 2 ULP for every forward and derivative, and a chain of
// three or four correctly rounded doubles (exp, 1 + e, a division, a product) already spends that.
// So the kernels below carry about 106 bits (a hi + lo pair, |lo| <= ulp(hi)/2) through the
// cancelling or error-amplifying steps and round once.
//
// Calling convention: a function named dd* or *DD returns the high part of its result and leaves
// both parts in the register DD (DD[0] = hi, DD[1] = lo). Read DD[1] right after the call, before
// calling another such function. A Float64Array keeps the doubles unboxed (a module-level
// `let` would allocate a heap number per element).

/** The double-double result register: [hi, lo]. */
export const DD = new Float64Array(2);

// ---------------------------------------------------------------------------------------------
// Error-free transformations (Dekker, Knuth). No FMA in JavaScript, so products split operands.

const SPLITTER = 134217729; // 2^27 + 1

/** The rounding error of p = fl(a·b): a·b = p + twoProductLo(a, b, p) exactly, for |a|, |b| < 2^995. */
export function twoProductLo(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/** The rounding error of s = fl(a + b): a + b = s + twoSumLo(a, b, s) exactly. */
export function twoSumLo(a: number, b: number, s: number): number {
  const bb = s - a;
  return a - (s - bb) + (b - bb);
}

const TWO_995 = 2 ** 995;
const TWO_M900 = 2 ** -900;

/**
 * twoProductLo for any finite a, b: scales an operand too large for Dekker's split, and returns 0
 * when p is so large or so small (or not finite) that its low part cannot matter to the callers
 * (arguments of exp and σ: beyond 1e299 or below 1e-270 the low part changes nothing).
 */
export function productLo(a: number, b: number, p: number): number {
  const ap = Math.abs(p);
  if (!(ap < TWO_995) || ap < TWO_M900) return 0;
  if (Math.abs(a) > TWO_995) return twoProductLo(a * 2 ** -100, b, p * 2 ** -100) * 2 ** 100;
  if (Math.abs(b) > TWO_995) return twoProductLo(a, b * 2 ** -100, p * 2 ** -100) * 2 ** 100;
  return twoProductLo(a, b, p);
}

/** Normalises (h, l) with |l| small next to |h| into DD; returns the high part. */
export function ddNorm(h: number, l: number): number {
  const s = h + l;
  DD[0] = s;
  DD[1] = l - (s - h);
  return s;
}

export function ddAdd(ah: number, al: number, bh: number, bl: number): number {
  const s = ah + bh;
  return ddNorm(s, twoSumLo(ah, bh, s) + al + bl);
}

export function ddMul(ah: number, al: number, bh: number, bl: number): number {
  const p = ah * bh;
  return ddNorm(p, twoProductLo(ah, bh, p) + (ah * bl + al * bh));
}

/** (ah + al)·b for a double b. */
export function ddMulD(ah: number, al: number, b: number): number {
  const p = ah * b;
  return ddNorm(p, twoProductLo(ah, b, p) + al * b);
}

export function ddDiv(ah: number, al: number, bh: number, bl: number): number {
  const q1 = ah / bh;
  const p = q1 * bh;
  // ah - p is exact (Sterbenz): q1 is within an ulp of ah/bh.
  const r = ah - p - twoProductLo(q1, bh, p) + al - q1 * bl;
  return ddNorm(q1, r / bh);
}

/**
 * Horner's scheme for sum c[k]·x^k with x = xh + xl: the terms of degree >= nDD in plain doubles
 * (where they are small next to the result), the last nDD steps in double-double with the
 * coefficients chi[k] + clo[k]. Leaves the value in DD.
 */
export function hornerDD(chi: Float64Array, clo: Float64Array, nDD: number, xh: number, xl: number): number {
  let k = chi.length - 1;
  let acc = chi[k];
  for (k--; k >= nDD; k--) acc = acc * xh + chi[k];
  let h = acc;
  let l = 0;
  for (; k >= 0; k--) {
    ddMul(h, l, xh, xl);
    ddAdd(DD[0], DD[1], chi[k], clo[k]);
    h = DD[0];
    l = DD[1];
  }
  DD[0] = h;
  DD[1] = l;
  return h;
}

// ---------------------------------------------------------------------------------------------
// Powers of two and exponents.

const MIN_NORMAL = 2.2250738585072014e-308;

/** 2^k for k in [-1074, 1023] at index k + 1074, built by exact doubling and halving. */
const POW2 = (() => {
  const t = new Float64Array(2098);
  let v = 1;
  for (let k = 0; k <= 1023; k++, v *= 2) t[1074 + k] = v;
  v = 1;
  for (let k = 1; k <= 1074; k++) {
    v /= 2;
    t[1074 - k] = v;
  }
  return t;
})();

/**
 * v·2^n, rounding at most once (at the last step) when v is an ordinary magnitude (2^-60..2^60):
 * for a subnormal result the exact intermediate is scaled down in a single final multiplication.
 */
export function scale2(v: number, n: number): number {
  if (n >= -1022 && n <= 1023) return v * POW2[n + 1074];
  if (n < -1022) return n < -2022 ? v * 0 : v * POW2[n + 1000 + 1074] * POW2[-1000 + 1074];
  return n > 2023 ? v * Infinity : v * POW2[n - 1000 + 1074] * POW2[1000 + 1074];
}

/**
 * (h + l)·2^n rounded once, also when the result is subnormal (scale2(h, n) alone would round h a
 * second time and ignore l). h should be an ordinary magnitude (2^-60..2^60), |l| <= ulp(h)/2.
 */
export function scale2DD(h: number, l: number, n: number): number {
  const a = scale2(h, n);
  if (!(Math.abs(a) < MIN_NORMAL) || a === 0) return a; // normal, 0 (below half a step) or NaN
  // a + (what the rounding to the subnormal grid dropped, plus l): the correction is below one
  // subnormal step, so the sum is exact and the only rounding is the scaling of the correction.
  return a + scale2(h - scale2(a, -n) + l, n);
}

const BITS = new Float64Array(1);
const WORDS = new Uint32Array(BITS.buffer);
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // little-endian: 1

/** floor(log2|v|) for finite non-zero v (subnormals included). */
export function exponentOf(v: number): number {
  BITS[0] = v;
  const e = (WORDS[HIGH_WORD] >>> 20) & 0x7ff;
  if (e === 0) return exponentOf(v * 18446744073709551616) - 64; // subnormal: scale by 2^64
  return e - 1023;
}

// ---------------------------------------------------------------------------------------------
// exp in double-double.

const INV_LN2 = 1.4426950408889634;
// ln 2 = LN2_HI + LN2_LO + LN2_LO2; fdlibm's LN2_HI has 32 significant bits, so n·LN2_HI is
// exact for |n| < 2^21 and x - n·LN2_HI is exact.
const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const LN2_LO2 = 1.1612227229362532e-26;
// 1/k! for k = 3..15: e^r - 1 - r - r^2/2 = r^3·P(r) to 2^-70 for |r| <= ln2/2.
const E3 = 0.16666666666666666;
const E4 = 0.041666666666666664;
const E5 = 0.008333333333333333;
const E6 = 0.001388888888888889;
const E7 = 0.0001984126984126984;
const E8 = 2.48015873015873e-5;
const E9 = 2.7557319223985893e-6;
const E10 = 2.755731922398589e-7;
const E11 = 2.505210838544172e-8;
const E12 = 2.08767569878681e-9;
const E13 = 1.6059043836821613e-10;
const E14 = 1.1470745597729725e-11;
const E15 = 7.647163731819816e-13;

/**
 * exp(xh + xl) = 2^n·(DD[0] + DD[1]) with DD[0] in [0.7, 1.42]; returns n. Relative error about
 * 2^-60. Needs finite |xh| < 1e6 (callers clamp); the split-off power of two lets callers form
 * c·e^x when e^x alone would underflow or overflow.
 */
export function expReduced(xh: number, xl: number): number {
  const n = Math.round(xh * INV_LN2);
  const a = xh - n * LN2_HI;
  const b = n * LN2_LO;
  const bl = twoProductLo(n, LN2_LO, b);
  let rh = a - b;
  let rl = twoSumLo(a, -b, rh) - bl - n * LN2_LO2 + xl;
  const t = rh + rl;
  rl -= t - rh;
  rh = t;
  const qh = rh * rh;
  const ql = twoProductLo(rh, rh, qh);
  const tail =
    qh * rh *
    (E3 + rh * (E4 + rh * (E5 + rh * (E6 + rh * (E7 + rh * (E8 + rh * (E9 + rh * (E10 + rh * (E11 + rh * (E12 + rh * (E13 + rh * (E14 + rh * E15))))))))))));
  const s1 = 1 + rh;
  const e1 = 1 - s1 + rh; // |rh| < 1: fast two-sum
  const half = 0.5 * qh;
  const s2 = s1 + half;
  const e2 = twoSumLo(s1, half, s2);
  const lo = e1 + e2 + 0.5 * ql + tail;
  const hi = s2 + lo;
  ddNorm(hi, lo - (hi - s2) + hi * rl);
  return n;
}

/** exp(xh + xl) in DD; 0 below -1500 (and for -inf), +inf above 710, NaN for NaN. */
export function expDD(xh: number, xl: number): number {
  if (!(xh > -1500)) {
    const v = xh === xh ? 0 : NaN;
    DD[0] = v;
    DD[1] = v;
    return v;
  }
  if (xh > 710) {
    DD[0] = Infinity;
    DD[1] = 0;
    return Infinity;
  }
  const n = expReduced(xh, xl);
  const mh = DD[0];
  const ml = DD[1];
  const h = scale2DD(mh, ml, n);
  if (h < MIN_NORMAL) {
    DD[0] = h; // subnormal: no room for a low part
    DD[1] = 0;
    return h;
  }
  DD[0] = h;
  DD[1] = scale2(ml, n);
  return h;
}

/**
 * e^x - 1 in DD for finite |xh| <= 700. Near 0 a series keeps the relative accuracy that the
 * subtraction e^x - 1 would lose.
 */
export function expm1DD(xh: number, xl: number): number {
  if (Math.abs(xh) > 0.25) {
    const h = expDD(xh, xl);
    return ddAdd(h, DD[1], -1, 0);
  }
  // x + x^2/2 + x^3·P(x); the tail is below x^3/5, so plain doubles suffice for it.
  const qh = xh * xh;
  const ql = twoProductLo(xh, xh, qh) + 2 * xh * xl;
  const tail =
    qh * xh *
    (E3 + xh * (E4 + xh * (E5 + xh * (E6 + xh * (E7 + xh * (E8 + xh * (E9 + xh * (E10 + xh * (E11 + xh * E12)))))))));
  ddAdd(xh, xl, 0.5 * qh, 0.5 * ql);
  return ddAdd(DD[0], DD[1], tail, 0);
}

/**
 * m·e^v for m = mh + ml and v = vh + vl, correct even where e^v alone underflows (x·σ(x) for
 * x < -708 is a normal number although σ(x) is subnormal). Rounds once, subnormal results
 * included. Finite m, v <= 710 expected.
 */
export function mulExp(mh: number, ml: number, vh: number, vl: number): number {
  if (mh === 0 || vh !== vh) return mh * (vh !== vh ? NaN : 0);
  if (vh < -1e5) return mh * 0;
  const n = expReduced(vh, vl);
  const eh = DD[0];
  const el = DD[1];
  const k = exponentOf(mh);
  const p = ddMul(scale2(mh, -k), scale2(ml, -k), eh, el);
  return scale2DD(p, DD[1], n + k);
}

// ---------------------------------------------------------------------------------------------
// The logistic function.

/** σ(x) = 1/(1 + e^-x) for x = xh + xl, in DD (relative error ~2^-59); NaN for NaN. */
export function sigmoidDD(xh: number, xl: number): number {
  if (xh >= 0) {
    const q = expDD(-xh, -xl);
    const s = 1 + q;
    return ddDiv(1, 0, s, 1 - s + q + DD[1]);
  }
  if (xh < -700) {
    // e^x(1 - e^x + ...) with e^x < 1e-304: e^x itself, rounded once even when subnormal.
    const e = mulExp(1, 0, xh, xl);
    DD[0] = e;
    DD[1] = 0;
    return e;
  }
  if (xh < 0) {
    const e = expDD(xh, xl);
    const el = DD[1];
    const s = 1 + e;
    return ddDiv(e, el, s, 1 - s + e + el);
  }
  DD[0] = NaN;
  DD[1] = NaN;
  return NaN;
}

/** σ(x)·σ(-x) = σ'(x) = q/(1 + q)^2 with q = e^-|x|, in DD. */
export function sigmoidPrimeDD(xh: number, xl: number): number {
  if (xh < -700 || xh > 700) {
    const q = xh < 0 ? mulExp(1, 0, xh, xl) : mulExp(1, 0, -xh, -xl); // q(1 - 2q + ...), q < 1e-304
    DD[0] = q;
    DD[1] = 0;
    return q;
  }
  const q = xh < 0 ? expDD(xh, xl) : expDD(-xh, -xl);
  const ql = DD[1];
  const s = 1 + q;
  const sl = 1 - s + q + ql;
  const s2 = ddMul(s, sl, s, sl);
  return ddDiv(q, ql, s2, DD[1]);
}

/** σ(x) rounded to double. */
export function sigmoid(x: number): number {
  return sigmoidDD(x, 0);
}

/**
 * log(1 + a) in DD for a = ah + al >= 0 (finite): Math.log1p corrected by one Newton step,
 * L = L0 + (a - expm1(L0))/(1 + a), with expm1 in double-double.
 */
export function log1pDD(ah: number, al: number): number {
  const l0 = Math.log1p(ah);
  const em = expm1DD(l0, 0);
  const num = ddAdd(ah, al, -em, -DD[1]);
  return ddNorm(l0, num / (1 + ah));
}

/** log(1 + e^x) in DD for x = xh + xl <= 0 (the tail of softplus and logsigmoid). */
export function log1pExpNegDD(xh: number, xl: number): number {
  const e = expDD(xh, xl);
  if (e < 1e-290) {
    // log1p(e) = e(1 - e/2 + ...); also keeps subnormal e exact.
    DD[0] = e;
    return e;
  }
  return log1pDD(e, DD[1]);
}

// Roots of silu'(x) = σ(x)(1 + x σ(-x)): 1 + x + e^x = 0 at SILU_ROOT, and e^SILU_ROOT.
const SILU_ROOT_HI = -1.2784645427610737;
const SILU_ROOT_LO = -1.0946994183093437e-16;
const SILU_ROOT_LO2 = -3.907766676128665e-33; // the root to 160 bits: h stays exact next to it
const SILU_EXP_ROOT_HI = 0.2784645427610738;
const SILU_EXP_ROOT_LO = -1.5523606315812798e-18;

/**
 * silu'(z) = d/dz [z σ(z)] = σ(z)(1 + z σ(-z)) for z = zh + zl (the derivative of swish in z = βx).
 * It crosses zero at z0 = -1.2785 (1 + z0 + e^z0 = 0); there σ(z)σ(-z)·(1 + z + e^z) is used with
 * 1 + z + e^z = h + e^z0·expm1(h), h = z - z0: both terms share the sign of h, so no cancellation.
 */
export function siluPrime(zh: number, zl: number): number {
  if (!(zh >= -700)) {
    if (zh !== zh) return NaN;
    if (zh === -Infinity) return -0;
    // σ(z) = e^z (1 - e^z + ...) and σ(-z) = 1 - e^z: relative corrections below 1e-300.
    const m = 1 + zh;
    return mulExp(m, 1 - m + zh + zl, zh, zl);
  }
  if (zh >= -2.5 && zh <= -0.64) {
    // zh - SILU_ROOT_HI is exact here (Sterbenz).
    ddAdd(zh - SILU_ROOT_HI, 0, -SILU_ROOT_LO, -SILU_ROOT_LO2);
    const h = ddAdd(DD[0], DD[1], zl, 0);
    const hl = DD[1];
    const em1 = expm1DD(h, hl);
    ddMul(SILU_EXP_ROOT_HI, SILU_EXP_ROOT_LO, em1, DD[1]);
    const n = ddAdd(h, hl, DD[0], DD[1]);
    const nl = DD[1];
    const p = sigmoidPrimeDD(zh, zl);
    return ddMul(p, DD[1], n, nl);
  }
  if (zh > 750) return 1; // z·σ(-z) < 1e-300
  const s = sigmoidDD(zh, zl);
  const sl = DD[1];
  const c = sigmoidDD(-zh, -zl);
  ddMul(zh, zl, c, DD[1]);
  ddAdd(1, 0, DD[0], DD[1]);
  return ddMul(s, sl, DD[0], DD[1]);
}

// ---------------------------------------------------------------------------------------------
// tanh and x - tanh(x).

// (x - tanh x)/x^3 = Q(x^2) on |x| <= 0.75: a Chebyshev fit of degree 14 in s = x^2 on
// [0, 0.5625] (mpmath, 50 digits: chebyfit(Q, [0, 0.5625], 15), max error 3e-20), the first three
// coefficients kept in double-double.
const TS_HI = new Float64Array([
  0.3333333333333333, -0.1333333333333333, 0.053968253968250834, -0.021869488535990196, 0.00886323552534426,
  -0.0035921279605617214, 0.0014558335571773309, -0.0005900212038005774, 0.00023909581479379004,
  -9.678675277338755e-5, 3.891594555873535e-5, -1.5175121210260702e-5, 5.350510151510398e-6,
  -1.45979199970163e-6, 2.1833069247300746e-7,
]);
const TS_LO = new Float64Array([1.8474283498631775e-17, -6.047155579971807e-18, -1.3512546334083339e-18]);
const TS_SMALL = 0.75;

/** x - tanh(x) for |x| < 0.75 in DD, as x^3·Q(x^2). */
export function tanhshrinkSmallDD(x: number): number {
  const sh = x * x;
  const sl = twoProductLo(x, x, sh);
  hornerDD(TS_HI, TS_LO, 3, sh, sl);
  const qh = DD[0];
  const ql = DD[1];
  const ch = ddMulD(sh, sl, x); // x^3
  return ddMul(ch, DD[1], qh, ql);
}

/** tanh(x) in DD (relative error ~2^-58). */
export function tanhDD(x: number): number {
  const ax = Math.abs(x);
  if (ax < TS_SMALL) {
    const th = tanhshrinkSmallDD(x);
    return ddAdd(x, 0, -th, -DD[1]);
  }
  if (!(ax <= Infinity)) {
    DD[0] = NaN;
    DD[1] = NaN;
    return NaN;
  }
  // tanh|x| = 1 - 2q/(1 + q), q = e^{-2|x|} <= 0.23.
  const q = expDD(-2 * ax, 0);
  const ql = DD[1];
  const s = 1 + q;
  const w = ddDiv(2 * q, 2 * ql, s, 1 - s + q + ql);
  const t = ddAdd(1, 0, -w, -DD[1]);
  if (x < 0) {
    DD[0] = -t;
    DD[1] = -DD[1];
    return -t;
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// erfc in double-double.
//
// The rational approximations are fdlibm's s_erf.c (as shipped in @stdlib/math-base-special-erfc;
// "Copyright (C) 1993 by Sun Microsystems, Inc. Permission to use, copy, modify, and distribute
// this software is freely granted, provided that this notice is preserved."). fdlibm rounds
// about six times after the approximation (two exps, a product, a division...): measured up to
// 2.4 ULP for positive arguments, which no activation built on it could absorb. Here the same
// approximations are evaluated in double-double, so the result carries only their own error
// (2^-56 relative at worst, near z = 0.84 and z = 1.25) plus one final rounding.

const ZERO8 = new Float64Array(9);
// |z| < 0.84375: erfc(z) = 1 - z - z·y, y = PP(z^2)/QQ(z^2).
const ERF_PP = new Float64Array([
  1.28379167095512558561e-1, -3.25042107247001499370e-1, -2.84817495755985104766e-2, -5.77027029648944159157e-3,
  -2.37630166566501626084e-5,
]);
const ERF_QQ = new Float64Array([
  1, 3.97917223959155352819e-1, 6.50222499887672944485e-2, 5.08130628187576562776e-3, 1.32494738004321644526e-4,
  -3.96022827877536812320e-6,
]);
// 0.84375 <= z < 1.25: erfc(z) = 1 - erx - PA(s)/QA(s), s = z - 1.
const ONE_MINUS_ERX = 1 - 8.45062911510467529297e-1; // fdlibm's erx; the difference is exact
const ERF_PA = new Float64Array([
  -2.36211856075265944077e-3, 4.14856118683748331666e-1, -3.72207876035701323847e-1, 3.18346619901161753674e-1,
  -1.10894694282396677476e-1, 3.54783043256182359371e-2, -2.16637559486879084300e-3,
]);
const ERF_QA = new Float64Array([
  1, 1.06420880400844228286e-1, 5.40397917702171048937e-1, 7.18286544141962662868e-2, 1.26171219808761642112e-1,
  1.36370839120290507362e-2, 1.19844998467991074170e-2,
]);
// 1.25 <= z < 1/0.35: erfc(z) = exp(-z^2 - 0.5625 + RA(s)/SA(s))/z, s = 1/z^2.
const ERF_RA = new Float64Array([
  -9.86494403484714822705e-3, -6.93858572707181764372e-1, -1.05586262253232909814e1, -6.23753324503260060396e1,
  -1.62396669462573470355e2, -1.84605092906711035994e2, -8.12874355063065934246e1, -9.81432934416914548592,
]);
const ERF_SA = new Float64Array([
  1, 1.96512716674392571292e1, 1.37657754143519042600e2, 4.34565877475229228821e2, 6.45387271733267880336e2,
  4.29008140027567833386e2, 1.08635005541779435134e2, 6.57024977031928170135, -6.04244152148580987438e-2,
]);
// 1/0.35 <= z < 28: the same form with RB/SB.
const ERF_RB = new Float64Array([
  -9.86494292470009928597e-3, -7.99283237680523006574e-1, -1.77579549177547519889e1, -1.60636384855821916062e2,
  -6.37566443368389627722e2, -1.02509513161107724954e3, -4.83519191608651397019e2,
]);
const ERF_SB = new Float64Array([
  1, 3.03380607434824582924e1, 3.25792512996573918826e2, 1.53672958608443695994e3, 3.19985821950859553908e3,
  2.55305040643316442583e3, 4.74528541206955367215e2, -2.24409524465858183362e1,
]);

/**
 * erfc(z) for z = zh + zl >= 0 in DD, relative error below 2^-56 while the result is normal
 * (z < 26.5); 0 from z = 28 on. The low part zl enters every step, which is the double-double
 * argument correction erfc(zh + zl) = erfc(zh) - (2/sqrt(pi))·e^{-zh^2}·zl done exactly.
 */
export function erfcDD(zh: number, zl: number): number {
  if (zh < 0.84375) {
    const wh = zh * zh;
    const wl = twoProductLo(zh, zh, wh) + 2 * zh * zl;
    const rh = hornerDD(ERF_PP, ZERO8, 2, wh, wl);
    const rl = DD[1];
    const sh = hornerDD(ERF_QQ, ZERO8, 2, wh, wl);
    ddDiv(rh, rl, sh, DD[1]); // y
    ddAdd(1, 0, DD[0], DD[1]);
    ddMul(zh, zl, DD[0], DD[1]); // z(1 + y)
    return ddAdd(1, 0, -DD[0], -DD[1]);
  }
  if (zh < 1.25) {
    const s = zh - 1; // exact
    const ph = hornerDD(ERF_PA, ZERO8, 3, s, zl);
    const pl = DD[1];
    const qh = hornerDD(ERF_QA, ZERO8, 3, s, zl);
    ddDiv(ph, pl, qh, DD[1]);
    return ddAdd(ONE_MINUS_ERX, 0, -DD[0], -DD[1]);
  }
  if (!(zh < 28)) {
    const v = zh === zh ? 0 : NaN;
    DD[0] = v;
    DD[1] = v;
    return v;
  }
  const z2h = ddMul(zh, zl, zh, zl);
  const z2l = DD[1];
  const wh = ddDiv(1, 0, z2h, z2l);
  const wl = DD[1];
  const big = zh < 2.857142857142857;
  const rh = hornerDD(big ? ERF_RA : ERF_RB, ZERO8, 9, wh, wl);
  const rl = DD[1];
  const sh = hornerDD(big ? ERF_SA : ERF_SB, ZERO8, 9, wh, wl);
  ddDiv(rh, rl, sh, DD[1]);
  ddAdd(-z2h, -z2l, DD[0], DD[1]);
  ddAdd(DD[0], DD[1], -0.5625, 0);
  const eh = expDD(DD[0], DD[1]);
  return ddDiv(eh, DD[1], zh, zl);
}

/** erfc(x) rounded to double, for all x (erfc(-z) = 2 - erfc(z)). */
export function erfc(x: number): number {
  if (x >= 0) return erfcDD(x, 0);
  if (x < 0) {
    const h = erfcDD(-x, 0);
    return ddAdd(2, 0, -h, -DD[1]);
  }
  return NaN;
}
