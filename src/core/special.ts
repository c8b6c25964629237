// Shared numerics: double-double arithmetic, an extended-precision exp, the logistic function and
// its relatives, erfc and tanh, accurate enough that each activation rounds only once at the end;
// and the cheaper building blocks of the kernels' fast paths (see "Fast paths" below).
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

// ---------------------------------------------------------------------------------------------
// Fast paths: plain doubles, with first-order corrections where a float64 answer needs them.
//
// The double-double functions above cost 50-300 ns per element. Most elements need much less: a
// float32 answer only needs a float64 value good to about 2^-42 before its single rounding, and a
// float64 answer within the catalogue's bounds needs the rounding errors of exp and of 1 + e^x
// carried as low parts, not a double-double chain. The kernels take these paths where the error
// analysis in their comments holds and hand the rest (tails, the roots of derivatives, NaN, inf)
// to the double-double functions.
//
// The loop shape: a kernel runs the fast form over every element of a block of BLOCK elements,
// noting in SLOW the indices outside its fast domain, then recomputes those with the double-double
// functions. A call inside the hot loop, even one never taken, costs 1-3 ns per element (V8 keeps
// the loop's live values in memory around it); the fast forms themselves therefore accept any
// input without faulting (table indices are masked), returning garbage that is overwritten.
//
// The helpers here rely on being inlined: V8 (TurboFan) inlines at most about 920 bytes of bytecode
// into one function, and past that a helper's double result is boxed on every call. twoProductLo
// is 91 bytes and expLo 224, so a kernel loop holds only a handful of them.

/** Elements per block of a kernel's fast loop, and the indices of the block's slow elements. */
export const BLOCK = 4096;
/** Shared by every kernel: kernels run to completion one at a time on a thread. */
export const SLOW = new Int32Array(BLOCK);

/** 2^m at m + 1022 for m = -1022..1025 (the last two are +inf): indexed & 2047, never out of bounds. */
const EXP_SCALE = Float64Array.from({ length: 2048 }, (_, i) => POW2[Math.min(i - 1022, 1023) + 1074] * (i > 2045 ? Infinity : 1));

/** 1.5·2^52: (v + ROUND) - ROUND is v rounded to an integer (ties to even) for |v| < 2^51. */
const ROUND = 6755399441055744;
const INV_LN2_64 = 92.33248261689366; // 64/ln 2
const LN2_64_HI = LN2_HI / 64; // 32 significant bits: k·LN2_64_HI is exact for |k| < 2^21
const LN2_64_LO = LN2_LO / 64;

/** 2^(j/64) = EXP2_HI[j] + EXP2_LO[j], j = 0..63 (mpmath, 60 digits, each part rounded to nearest). */
const EXP2_HI = new Float64Array([
  1.0, 1.0108892860517005, 1.0218971486541166, 1.0330248790212284,
  1.0442737824274138, 1.0556451783605572, 1.0671404006768237, 1.0787607977571199,
  1.0905077326652577, 1.102382583307841, 1.1143867425958924, 1.1265216186082418,
  1.1387886347566916, 1.1511892299529827, 1.1637248587775775, 1.1763969916502812,
  1.189207115002721, 1.202156731452703, 1.215247359980469, 1.22848053610687,
  1.241857812073484, 1.255380757024691, 1.2690509571917332, 1.2828700160787783,
  1.2968395546510096, 1.3109612115247644, 1.3252366431597413, 1.339667524053303,
  1.3542555469368927, 1.3690024229745905, 1.383909881963832, 1.3989796725383112,
  1.4142135623730951, 1.42961333839197, 1.4451808069770467, 1.460917794180647,
  1.4768261459394993, 1.4929077282912648, 1.5091644275934228, 1.5255981507445384,
  1.5422108254079407, 1.559004400237837, 1.5759808451078865, 1.593142151342267,
  1.6104903319492543, 1.6280274218573478, 1.645755478153965, 1.6636765803267364,
  1.681792830507429, 1.7001063537185235, 1.718619298122478, 1.7373338352737062,
  1.7562521603732995, 1.7753764925265212, 1.7947090750031072, 1.8142521755003989,
  1.8340080864093424, 1.8539791250833855, 1.8741676341103, 1.8945759815869656,
  1.9152065613971474, 1.9360617934922943, 1.9571441241754002, 1.978456026387951,
]);
const EXP2_LO = new Float64Array([
  0.0, -1.5234778603368577e-17, 5.109225028973444e-17, 7.600838874027088e-18,
  8.551889705537965e-17, 1.759325738772092e-18, -7.899853966841582e-17, -6.656660436056593e-17,
  -3.046782079812471e-17, 5.2660368715706944e-17, 1.0410278456845571e-16, 5.165856758795457e-17,
  8.912812676025408e-17, 3.250710218863827e-17, 3.8292048369240935e-17, 5.554203254218079e-17,
  3.982015231465646e-17, 6.644981499252301e-17, -7.712630692681488e-17, -1.89878163130253e-17,
  4.658027591836937e-17, -6.7113898212968784e-18, 2.667932131342186e-18, 1.713594918243561e-17,
  2.5382502794888315e-17, -7.181536135519454e-17, -2.8587312100388614e-17, 8.927282594831732e-17,
  7.70094837980299e-17, 9.593797919118849e-17, -6.770511658794786e-17, -9.614213209051323e-17,
  -9.667293313452913e-17, -1.2031642489053655e-17, -3.0237581349939873e-17, -5.600377186075216e-17,
  -3.483994556892796e-17, 1.4192920154284036e-17, -1.016455327754295e-16, -1.1024941712342561e-16,
  7.949834809697621e-17, 3.7812070533575275e-17, -1.0136916471278304e-17, -1.0094406542311964e-16,
  2.4707192569797888e-17, -6.712955084707084e-17, -1.0125679913674773e-16, 5.8909926967131e-17,
  8.199010020581497e-17, -8.0237193703977e-18, -1.851380418263111e-17, 3.164389299292957e-17,
  2.960140695448873e-17, 6.429731796556572e-17, 1.8227458427912087e-17, -9.969531538920349e-17,
  3.283107224245627e-17, 9.761887490727594e-17, -6.122763413004143e-17, 3.4034035352165297e-17,
  -1.0619946056195963e-16, 1.0332385960676326e-16, 8.960767791036668e-17, 4.0388753109278167e-17,
]);

/**
 * e^x for |x| <= 708 (a normal result) as hi + DD[1], relative error below 2^-58 (Tang's method):
 * x = (64m + j)·ln2/64 + r with |r| <= ln2/128, e^x = 2^m·2^(j/64)·e^r, e^r - 1 to degree 6
 * (truncation 2^-65). The roundings left are those of the small terms th·(r + ...) (2^-60.5 each).
 */
export function expLo(x: number): number {
  const kf = x * INV_LN2_64 + ROUND - ROUND;
  const k = kf | 0;
  const rh = x - kf * LN2_64_HI; // exact (Sterbenz)
  const rl = kf * -LN2_64_LO;
  const r = rh + rl;
  const tail = rl + r * r * (0.5 + r * (E3 + r * (E4 + r * (E5 + r * E6))));
  const j = k & 63;
  const th = EXP2_HI[j];
  const w = th * (rh + tail) + EXP2_LO[j];
  const eh = th + w;
  const scale = EXP_SCALE[((k >> 6) + 1022) & 2047];
  DD[1] = (th - eh + w) * scale;
  return eh * scale;
}

/** e^x for |x| <= 708, relative error about 2^-51: expLo without the low part (float32 paths). */
export function expPlain(x: number): number {
  const kf = x * INV_LN2_64 + ROUND - ROUND;
  const k = kf | 0;
  const r = x - kf * LN2_64_HI - kf * LN2_64_LO;
  const p = r + r * r * (0.5 + r * (E3 + r * (E4 + r * E5))); // truncation r^6/720 < 2^-54
  return EXP2_HI[k & 63] * EXP_SCALE[((k >> 6) + 1022) & 2047] * (1 + p);
}

/** The values, then zeros up to 128 entries: tables indexed & 127. */
function tableOf128(values: number[]): Float64Array {
  const t = new Float64Array(128);
  t.set(values);
  return t;
}

/** log(1 + j/64) = LOG1P_HI[j] + LOG1P_LO[j], j = 0..64 (mpmath, 60 digits). */
const LOG1P_HI = tableOf128([
  0.0, 0.015504186535965254, 0.030771658666753687, 0.0458095360312942,
  0.06062462181643484, 0.07522342123758753, 0.08961215868968714, 0.10379679368164356,
  0.11778303565638346, 0.13157635778871926, 0.1451820098444979, 0.15860503017663857,
  0.17185025692665923, 0.184922338494012, 0.19782574332991987, 0.21056476910734964,
  0.22314355131420976, 0.2355660713127669, 0.24783616390458127, 0.25995752443692605,
  0.27193371548364176, 0.2837681731306446, 0.2954642128938359, 0.3070250352949119,
  0.3184537311185346, 0.329753286372468, 0.3409265869705932, 0.3519764231571782,
  0.3629054936893685, 0.37371640979358406, 0.38441169891033206, 0.394993808240869,
  0.4054651081081644, 0.415827895143711, 0.4260843953109001, 0.43623676677491807,
  0.44628710262841953, 0.4562374334815876, 0.46608972992459924, 0.4758459048699639,
  0.4855078157817008, 0.4950772667978515, 0.5045560107523953, 0.5139457511022343,
  0.5232481437645479, 0.5324647988694718, 0.5415972824327444, 0.5506471179526623,
  0.5596157879354227, 0.5685047353526688, 0.5773153650348236, 0.5860490450035782,
  0.5947071077466928, 0.6032908514380843, 0.6118015411059929, 0.6202404097518576,
  0.6286086594223741, 0.6369074622370692, 0.6451379613735847, 0.6533012720127457,
  0.661398482245365, 0.6694306539426292, 0.6773988235918061, 0.6853040030989194,
  0.6931471805599453,
]);
const LOG1P_LO = tableOf128([
  0.0, -3.278321022892429e-19, 1.0431732029005968e-18, 1.902959866474257e-18,
  2.6424025938726934e-18, -5.930604196293241e-18, -5.4268129336647135e-18, 5.47772415726659e-18,
  -1.1971685747593677e-18, 1.1123000879729588e-17, 8.242418783022475e-18, 1.1257003872182592e-17,
  -6.0224538210113705e-18, 3.0236614153574064e-18, 1.2821194372980142e-17, -4.249405314729895e-18,
  -9.091270597324799e-18, -2.3943371495187355e-18, -1.2432209578702523e-17, 2.069806938978935e-17,
  7.83319637697442e-19, -2.032665581126656e-17, -2.16461086040599e-17, -1.2319916200101964e-17,
  2.7114779367326236e-17, 2.122020616196946e-18, 1.7467136443544747e-17, -1.2953893030191963e-17,
  -2.1492361455310972e-17, 2.1836211281198184e-17, -1.612149700764673e-17, -1.5113724418336168e-17,
  -2.8811380259626426e-18, -2.48753990369597e-17, -2.499176776547466e-17, -1.8379648230620457e-18,
  -1.8182541194649598e-17, 2.122222784062318e-17, -1.4116523239904406e-17, -6.181952722542219e-18,
  -1.6618350693852048e-17, -8.307950959627356e-18, -2.4888518873597905e-17, 3.397548559332142e-17,
  -3.1833882216350925e-17, -9.149239241180804e-19, -3.748764246125639e-17, -2.239429485856908e-17,
  2.685492580212308e-17, -5.4267346029482773e-17, -8.903591846974013e-18, -3.058363205263577e-17,
  1.3751689964323675e-17, 9.9400563470175e-18, -3.7397759448726e-17, -3.989161064307651e-17,
  4.3538742607970387e-17, 5.422955873465247e-17, 9.346960920120906e-19, -4.306892322029408e-17,
  -7.603333785634003e-18, 2.823733943928343e-17, -2.0978183882652005e-18, 4.893484946270261e-17,
  2.3190468138462996e-17,
]);
/** 1/(1 + j/64), rounded: the remainder of the reduction is carried (see log1pLo). */
const INV_1P = Float64Array.from({ length: 128 }, (_, j) => 64 / (64 + j));
const L3 = 1 / 3;
const L6 = 1 / 6;
const L7 = 1 / 7;
const L9 = 1 / 9;

/**
 * log(1 + q) for q = qh + ql in [0, 1] as hi + DD[1], relative error about 2^-60, without a
 * division or a branch: with j = round(64q), log(1 + q) = log(1 + j/64) + log1p(r),
 * r = (q - j/64)/(1 + j/64), |r| <= 2^-7. q - j/64 is exact (Sterbenz); r is carried as rh + rl
 * (1 + j/64 has 7 significant bits, so rh·(1 + j/64) splits exactly with rh alone split), and the
 * table's low part and the final sum's rounding error are kept.
 */
export function log1pLo(qh: number, ql: number): number {
  const jf = qh * 64 + ROUND - ROUND;
  const j = jf & 127; // in bounds for any q
  const f = qh - jf * 0.015625; // exact
  const c = INV_1P[j];
  const fj = 1 + jf * 0.015625;
  const rh = f * c;
  // rh·fj = p + pl exactly: fj has 7 bits, so only rh needs splitting.
  const t = SPLITTER * rh;
  const hh = t - (t - rh);
  const p = rh * fj;
  const pl = hh * fj - p + (rh - hh) * fj;
  const rl = (f - p - pl + ql) * c; // f - p is exact (Sterbenz)
  const r = rh + rl;
  // log1p(r) - r to degree 9: the truncation, r^10/10, is below 2^-66 of r.
  const poly = r * r * (-0.5 + r * (L3 - r * (0.25 - r * (0.2 - r * (L6 - r * (L7 - r * (0.125 - r * L9)))))));
  const th = LOG1P_HI[j];
  const s = th + rh;
  const sl = twoSumLo(th, rh, s) + (LOG1P_LO[j] + (rl + poly));
  return ddNorm(s, sl);
}

/**
 * (x - tanh x)/x^3 = Q(x^2) for |x| < 0.75 in plain doubles (relative error about 2^-52): the fit
 * of tanhshrinkSmallDD, in two interleaved Horner chains (even and odd powers of s = x^2) to halve
 * the dependency chain.
 */
export function tanhshrinkRatio(s: number): number {
  const s2 = s * s;
  const even = TS_HI[0] + s2 * (TS_HI[2] + s2 * (TS_HI[4] + s2 * (TS_HI[6] + s2 * (TS_HI[8] + s2 * (TS_HI[10] + s2 * (TS_HI[12] + s2 * TS_HI[14]))))));
  const odd = TS_HI[1] + s2 * (TS_HI[3] + s2 * (TS_HI[5] + s2 * (TS_HI[7] + s2 * (TS_HI[9] + s2 * (TS_HI[11] + s2 * TS_HI[13])))));
  return even + s * odd;
}

/**
 * Within this distance of SILU_ROOT_HI, 1 + e^{-z}(1 + z) cancels by more than the fast forms of
 * silu' allow (a factor 7 for float64, 2^7 for float32); the double-double siluPrime takes over.
 */
export const SILU_ROOT = SILU_ROOT_HI;
export const SILU_WINDOW_64 = 0.03;
export const SILU_WINDOW_32 = 2 ** -9;

/**
 * silu'(z) = (1 + e(1 + z))/(1 + e)^2 for z = zh + zl in [-300, 640], at least SILU_WINDOW_64 from
 * the root, given e = e^{-z} = eh + el (from expLo, to 2^-58): numerator and denominator carried
 * exactly to first order (the numerator's cancellation amplifies e's error at most 7-fold), the
 * quotient's remainder exact. About half an ULP.
 */
export function siluPrimeLo(zh: number, zl: number, eh: number, el: number): number {
  const m = 1 + zh;
  const mb = m - 1;
  const ml = 1 - (m - mb) + (zh - mb) + zl;
  const P = eh * m;
  const Pl = twoProductLo(eh, m, P) + eh * ml + el * m;
  const n = 1 + P;
  const nb = n - 1;
  const nl = 1 - (n - nb) + (P - nb) + Pl;
  const s = 1 + eh;
  const sb = s - 1;
  const sl = 1 - (s - sb) + (eh - sb) + el;
  const S = s * s;
  const Sl = twoProductLo(s, s, S) + 2 * s * sl;
  const r = n / S;
  const p = r * S;
  return r + (n - p - twoProductLo(r, S, p) + nl - r * Sl) / S; // n - p is exact (Sterbenz)
}

/** silu'(z) in plain doubles for z in [-300, 640], at least SILU_WINDOW_32 from the root (float32). */
export function siluPrimePlain(z: number): number {
  const e = expPlain(-z);
  const s = 1 + e;
  return (1 + e * (1 + z)) / (s * s);
}

// log(1 + e^-a) for the float32 paths of softplus and logsigmoid, tabulated at a0 = i/16: with
// d = a - a0 and q0 = e^-a0, 1 + e^-a = (1 + q0)(1 + t), t = σ(-a0)·expm1(-d), so
// log(1 + e^-a) = log(1 + q0) + log1p(t), |t| < 2^-6. Indexed by a itself, the table lookups do not
// wait for an exp, and a third of the work of an exp followed by a table-driven log1p goes away.
const LOG1P_EXP_STEPS = 16;
const LOG1P_EXP_MAX = 36; // beyond, log(1 + e^-a) = e^-a to 2^-53
/** log(1 + e^-a0) and σ(-a0) at a0 = i/16, i = 0..576 (from the double-double functions), then 0s. */
const LOG1P_EXP = new Float64Array(1024);
const SIGMOID_NEG = new Float64Array(1024);
for (let i = 0; i <= LOG1P_EXP_MAX * LOG1P_EXP_STEPS; i++) {
  LOG1P_EXP[i] = log1pExpNegDD(-i / LOG1P_EXP_STEPS, 0);
  SIGMOID_NEG[i] = sigmoidDD(-i / LOG1P_EXP_STEPS, 0);
}

/**
 * log(1 + e^-a) for a >= 0 in plain doubles (relative error about 2^-50; garbage, but no fault, for
 * NaN or a > 700). For the derivatives it leaves t in DD[0] and σ(-a0) in DD[1]:
 * σ(-a) = (DD[1] + DD[0])/(1 + DD[0]) (a division the forward pass does not need to pay for).
 */
export function log1pExpPlain(a: number): number {
  if (a > LOG1P_EXP_MAX) {
    const q = expPlain(-a);
    DD[0] = 0;
    DD[1] = q;
    return q;
  }
  const f = a * LOG1P_EXP_STEPS + ROUND - ROUND;
  const i = f & 1023;
  const m = f * (1 / LOG1P_EXP_STEPS) - a; // -d, exact; |d| <= 1/32
  const m2 = m * m;
  // expm1(-d) to degree 7 (truncation 2^-55), Estrin's scheme.
  const em = m + m2 * (0.5 + m * E3 + m2 * (E4 + m * E5 + m2 * (E6 + m * E7)));
  const w = SIGMOID_NEG[i];
  const t = w * em;
  const t2 = t * t;
  // log1p(t) to degree 7 (truncation 2^-51 of t).
  const l = t + t2 * (-0.5 + t * L3 + t2 * (-0.25 + t * 0.2 + t2 * (-L6 + t * L7)));
  DD[0] = t;
  DD[1] = w;
  return LOG1P_EXP[i] + l;
}

/** e^{z^2}·erfc(z) for z = zh + zl in double-double, from erfcDD and expDD; returns hi, lo in DD[1]. */
function erfcxDD(zh: number, zl: number): number {
  const e = erfcDD(zh, zl) * 2 ** 600; // scaled (exactly) so that Dekker's split of e^{z^2} cannot overflow
  const el = DD[1] * 2 ** 600;
  const z2 = ddMul(zh, zl, zh, zl);
  const x = expDD(z2, DD[1]) * 2 ** -600;
  return ddMul(e, el, x, DD[1] * 2 ** -600);
}

/**
 * The monomial coefficients (ascending, in t = z - c) of a degree-`degree` polynomial for erfcx on
 * [c - 1/16, c + 1/16]: its Taylor terms to t^2 at c (erfcx' = 2z·erfcx - 2/sqrt(pi), erfcx'' =
 * (2 + 4z^2)·erfcx - 4z/sqrt(pi), in double-double), plus the interpolant of what they leave at the
 * interval's Chebyshev nodes. The remainder is below 0.03% of erfcx, so the roundings of the
 * interpolation (the values, the cosines, the sums) stay near 2^-65 of erfcx. Each node is the
 * exact sum c + δ (in double-double): rounding it to a double would move erfcx by 2^-53 of itself.
 * Returns the coefficients; the value at c is left in double-double in DD ([0] hi, [1] lo).
 */
function erfcxInterpolant(c: number, degree: number): number[] {
  const m = degree + 1;
  const x0 = erfcxDD(c, 0);
  const x0l = DD[1];
  // erfcx'(c) and erfcx''(c)/2
  const d1 = ddAdd(ddMul(2 * c, 0, x0, x0l), DD[1], -TWO_OVER_SQRT_PI, -TWO_OVER_SQRT_PI_LO);
  const d1l = DD[1];
  const q = 1 + 2 * c * c; // exact: c = (2i + 1)/16
  const r = ddMulD(TWO_OVER_SQRT_PI, TWO_OVER_SQRT_PI_LO, c);
  const d2 = ddAdd(ddMulD(x0, x0l, q), DD[1], -r, -DD[1]);
  const d2l = DD[1];
  const T: number[][] = [[1], [0, 1]];
  for (let j = 1; j < degree; j++) {
    const next = new Array<number>(j + 2).fill(0);
    for (let k = 0; k <= j; k++) next[k + 1] += 2 * T[j][k];
    for (let k = 0; k < j; k++) next[k] -= T[j - 1][k];
    T.push(next);
  }
  const values = Array.from({ length: m }, (_, k) => {
    const d = Math.cos((Math.PI * (k + 0.5)) / m) / 16;
    const zh = c + d;
    let v = erfcxDD(zh, c - zh + d); // |c| >= |d|: a fast two-sum
    v = ddAdd(v, DD[1], -x0, -x0l);
    v = ddAdd(v, DD[1], -ddMulD(d1, d1l, d), -DD[1]);
    return ddAdd(v, DD[1], -ddMulD(ddMulD(d2, d2l, d), DD[1], d), -DD[1]) + DD[1];
  });
  const coeffs = new Array<number>(m).fill(0);
  for (let j = 0; j < m; j++) {
    let a = 0;
    for (let k = 0; k < m; k++) a += values[k] * Math.cos((Math.PI * j * (k + 0.5)) / m);
    a *= (j === 0 ? 1 : 2) / m;
    for (let k = 0; k <= j; k++) coeffs[k] += a * T[j][k];
  }
  const out = coeffs.map((a, k) => a * 16 ** k); // from u = 16t to t
  out[1] += d1 + d1l;
  out[2] += d2 + d2l;
  DD[0] = x0;
  DD[1] = x0l + out[0]; // out[0]: the interpolant's (tiny) value at the centre
  return out;
}

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const TWO_OVER_SQRT_PI_LO = 1.533545961316588e-17;

// erfcx(z) = e^{z^2}·erfc(z) for the float32 paths of gelu: smooth and slowly varying where erfc
// itself plunges, so a table of short polynomials fits it. On [i/8, (i+1)/8], i = 0..83 (z < 10.5,
// past which gelu of a float32 is 0 or x), a degree-8 polynomial in t = z - (i + 1/2)/8 interpolates
// erfcx at the 9 Chebyshev nodes of the interval: relative error about 2^-50, no branch, and no
// division. The nodes' values come from erfcDD and expDD at module load.
const ERFCX_INTERVALS = 84;
const ERFCX_DEGREE = 8;
/** erfcxPlain is valid below this. */
export const ERFCX_LIMIT = ERFCX_INTERVALS / 8;
/** 9 monomial coefficients (ascending) per interval; 128 intervals so that index & 127 stays in bounds. */
const ERFCX = new Float64Array(128 * (ERFCX_DEGREE + 1));
for (let i = 0; i < ERFCX_INTERVALS; i++) {
  const coeffs = erfcxInterpolant((i + 0.5) / 8, ERFCX_DEGREE);
  coeffs[0] = DD[0] + DD[1];
  for (let k = 0; k <= ERFCX_DEGREE; k++) ERFCX[i * (ERFCX_DEGREE + 1) + k] = coeffs[k];
}

/** e^{z^2}·erfc(z) for z in [0, ERFCX_LIMIT) in plain doubles (garbage, but no fault, elsewhere). */
export function erfcxPlain(z: number): number {
  const f = z * 8 - 0.5 + ROUND - ROUND; // floor(8z), or the interval below at its boundary
  const i = (f & 127) * 9;
  const t = z - (f + 0.5) * 0.125;
  const t2 = t * t;
  const t4 = t2 * t2;
  const C = ERFCX;
  return (
    C[i] + t * C[i + 1] + t2 * (C[i + 2] + t * C[i + 3]) + t4 * (C[i + 4] + t * C[i + 5] + t2 * (C[i + 6] + t * C[i + 7]) + t4 * C[i + 8])
  );
}

// erfcx in double-double for the float64 paths of gelu: the same scheme as erfcxPlain on intervals of
// 1/8 up to z = 26.5 (where erfc leaves the normal range), degree 10 (interpolation error about
// 2^-62), the value at each interval's centre in double-double straight from erfcDD·expDD. The
// table is as accurate as erfcDD: 2^-56 at worst, near z = 0.84 and z = 1.25, far better elsewhere.
const ERFCX64_INTERVALS = 212;
const ERFCX64_DEGREE = 10;
const ERFCX64_STRIDE = ERFCX64_DEGREE + 2; // centre hi, centre lo, then the coefficients of t..t^10
/** erfcxLo is valid below this. */
export const ERFCX64_LIMIT = ERFCX64_INTERVALS / 8;
const ERFCX64 = new Float64Array(256 * ERFCX64_STRIDE);

for (let i = 0; i < ERFCX64_INTERVALS; i++) {
  const coeffs = erfcxInterpolant((i + 0.5) / 8, ERFCX64_DEGREE);
  const o = i * ERFCX64_STRIDE;
  ERFCX64[o] = DD[0];
  ERFCX64[o + 1] = DD[1];
  for (let k = 1; k <= ERFCX64_DEGREE; k++) ERFCX64[o + 1 + k] = coeffs[k];
}

/**
 * e^{z^2}·erfc(z) for z = zh + zl in [0, ERFCX64_LIMIT) as hi + DD[1], relative error about 2^-57
 * (the table's): the centre's value in double-double plus t·P(t) in plain doubles (at most 7% of
 * it), and zl to first order (erfcx' = 2z·erfcx - 2/sqrt(pi)). Garbage, but no fault, elsewhere.
 */
export function erfcxLo(zh: number, zl: number): number {
  const f = zh * 8 - 0.5 + ROUND - ROUND;
  const i = (f & 255) * ERFCX64_STRIDE;
  const t = zh - (f + 0.5) * 0.125; // exact except in the first interval (then within 2^-58)
  const t2 = t * t;
  const t4 = t2 * t2;
  const C = ERFCX64;
  const p =
    C[i + 2] +
    t * C[i + 3] +
    t2 * (C[i + 4] + t * C[i + 5]) +
    t4 * (C[i + 6] + t * C[i + 7] + t2 * (C[i + 8] + t * C[i + 9]) + t4 * (C[i + 10] + t * C[i + 11]));
  const tail = t * p;
  const h = C[i] + tail;
  DD[1] = C[i] - h + tail + C[i + 1] + zl * (2 * zh * h - TWO_OVER_SQRT_PI);
  return h;
}
