// gelu: x·Φ(x) through erfc (exact) or torch's tanh approximation, both rounded once.
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import {
  DD,
  ddAdd,
  ddMul,
  ddMulD,
  erfcDD,
  expDD,
  expm1DD,
  mulExp,
  sigmoidDD,
  sigmoidPrimeDD,
  twoProductLo,
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
  forward(x, params) {
    const src = x.data;
    const y = new Float64Array(src.length);
    if (params.approximate === 'tanh') {
      for (let i = 0; i < src.length; i++) y[i] = geluTanh(src[i]);
    } else {
      for (let i = 0; i < src.length; i++) y[i] = geluExact(src[i]);
    }
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput, params) {
    const src = x.data;
    const g = gradOutput.data;
    const gx = new Float64Array(src.length);
    if (params.approximate === 'tanh') {
      for (let i = 0; i < src.length; i++) gx[i] = g[i] * geluTanhPrime(src[i]);
    } else {
      for (let i = 0; i < src.length; i++) gx[i] = g[i] * geluExactPrime(src[i]);
    }
    return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
  },
});

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

function geluExact(v: number): number {
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

function geluExactPrime(v: number): number {
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
function geluTanh(x: number): number {
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
function geluTanhPrime(x: number): number {
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
