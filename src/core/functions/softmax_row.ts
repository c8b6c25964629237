// Shared row kernels of the softmax family (softmax, log_softmax, softmin, logsumexp): the dim check,
// the row scan (maximum, shifted exponentials exp(x_j − max)), softmax/softmin and the VJPs.
import type { FloatArray, Tensor } from '../definition.js';
import { twoProductLo } from '../special.js';
import { axisLayout, normalizeDim, outputLike } from '../tensor.js';

/** The row maximum is finite: weights hold exp(x_j − max), weight[argmax] = 1. */
export const ROW_FINITE = 0;
/**
 * The row maximum is +inf, or −inf (every entry −inf, no implicit zero); `infCount` entries attain
 * it. Each output is the limit of its formula where that limit exists: the entries below the
 * maximum get weight 0 along every path; a single entry at the maximum gets weight 1; several
 * entries at an infinite maximum share the mass in proportions that depend on how they approach
 * infinity (softmax(t, t + c) = (σ(−c), σ(c))), so their weights are NaN, as inf − inf is in IEEE.
 * PyTorch answers NaN for the whole row in all these cases (and for softmax([−inf]), whose
 * value is 1 for every finite input).
 */
export const ROW_INF = 1;
/** The row holds a NaN: every output of the row depends on it, so every output is NaN. */
export const ROW_NAN = 2;

/** What a row scan found; one module-level instance is reused so rows allocate nothing. */
export interface RowScan {
  status: number;
  /** The row maximum (after the sign and with the implicit zero). */
  max: number;
  /** Index along the row of the first maximum; −1 when it is the implicit zero of `withZero`. */
  argmax: number;
  /** ROW_FINITE: Σ of the weights except the one at argmax (implicit zero included): S = 1 + tail. */
  tail: number;
  /** ROW_INF: how many entries equal the infinite maximum. */
  infCount: number;
}

const scan: RowScan = { status: ROW_FINITE, max: 0, argmax: 0, tail: 0, infCount: 0 };

/** The message for a `dim` outside the input's rank (rank 0 counts as rank 1, as in PyTorch). */
export function checkDim(dim: number, rank: number): string | undefined {
  if (normalizeDim(dim, rank) !== undefined) return undefined;
  const r = Math.max(rank, 1);
  return `params.dim is ${dim} but the input has rank ${rank}: dim must be an integer in [${-r}, ${r - 1}]`;
}

/**
 * Scans the row of `n` values src[base + j*stride] multiplied by `sign` (±1: softmin is softmax of
 * −x; negation is exact) and, for a finite maximum, writes exp(sign·x_j − max) to w[j] (a float64
 * scratch row: a float32 output must not be read back) and sets scan.tail. Otherwise the weights are
 * left untouched and `scan.status` says why: an infinite maximum is never subtracted (replacing it by
 * 0 would still give inf/inf = NaN for softmax([inf, 1])). With `withZero` the row gets
 * an implicit extra element 0 (logsumexp's LSE(0, x…)): it takes part in the maximum and the tail.
 * Both element types take the same path (shiftedExp is as cheap as a float32-grade exponential).
 */
export function scanRow(
  src: FloatArray,
  base: number,
  stride: number,
  n: number,
  sign: number,
  withZero: boolean,
  w: Float64Array,
): RowScan {
  rowMax(src, base, stride, n, sign, withZero);
  if (scan.status === ROW_FINITE) {
    const max = scan.max;
    const argmax = scan.argmax;
    const zero = withZero && argmax !== -1 ? shiftedExp(0, max) : 0;
    scan.tail = rowWeights(src, base, stride, n, sign, w, max, argmax, zero);
  }
  return scan;
}

/** Sets scan.status, max, argmax and infCount for a row (see scanRow). */
export function rowMax(src: FloatArray, base: number, stride: number, n: number, sign: number, withZero: boolean): RowScan {
  const found = argmaxLoop(src, base, stride, n, sign, withZero ? 0 : -Infinity);
  // -1: nothing exceeds the start (the implicit zero, or a row of −inf whose first entry is the max).
  const argmax = found === -1 && !withZero ? 0 : found;
  const max = argmax >= 0 ? sign * src[base + argmax * stride] : 0;
  scan.argmax = argmax;
  scan.max = max;
  scan.tail = 0;
  scan.infCount = 0;
  if (found === -2) {
    scan.status = ROW_NAN;
  } else if (max === Infinity || max === -Infinity) {
    scan.status = ROW_INF;
    scan.infCount = countEqual(src, base, stride, n, sign, max);
  } else {
    scan.status = ROW_FINITE;
  }
  return scan;
}

// The loops below follow relu.ts's rule: a function each, nothing outside the loop that collects type
// feedback (results of more than one number go to registers written inside the loop).

/** Index of the first maximum of sign·x above `start`, −1 when none exceeds it, −2 when there is a NaN. */
function argmaxLoop(src: FloatArray, base: number, stride: number, n: number, sign: number, start: number): number {
  let max = start;
  let argmax = -1;
  let nan = false;
  for (let j = 0, p = base; j < n; j++, p += stride) {
    const v = sign * src[p];
    if (v > max) {
      max = v;
      argmax = j;
    } else if (v !== v) {
      nan = true;
    }
  }
  return nan ? -2 : argmax;
}

function countEqual(src: FloatArray, base: number, stride: number, n: number, sign: number, value: number): number {
  let count = 0;
  for (let j = 0, p = base; j < n; j++, p += stride) count += +(sign * src[p] === value);
  return count;
}

/**
 * Writes the weights e_j = exp(sign·x_j − max) of a row with a finite maximum and returns the tail:
 * the sum of the weights except the one at argmax, plus `zero` (the implicit zero's weight).
 *
 * Why x_j − max as hi + lo: it rounds unless the two are within a factor of 2 (Sterbenz), and exp
 * turns that absolute error into a relative error of |x_j − max|·eps (700 ULP at a distance of 700).
 * twoSum gives hi + lo = x_j − max exactly, and shiftedExp takes lo into its reduced argument.
 * The sum of nonnegative terms is compensated (TwoSum): accurate to ~1 ULP for any row length.
 */
function rowWeights(
  src: FloatArray,
  base: number,
  stride: number,
  n: number,
  sign: number,
  w: Float64Array,
  max: number,
  argmax: number,
  zero: number,
): number {
  let sum = zero;
  let comp = 0;
  let total = zero;
  for (let j = 0, p = base; j < n; j++, p += stride) {
    const e = shiftedExp(sign * src[p], max);
    w[j] = e;
    const t = e * +(j !== argmax); // the maximum's weight, exactly 1, is the S = 1 + tail
    const s = sum + t;
    const b = s - sum;
    comp += sum - (s - b) + (t - b);
    sum = s;
    total = s + comp;
  }
  return total;
}

/** lo such that hi + lo = v − max exactly, for hi = fl(v − max) finite (twoSum). */
export function shiftLo(v: number, max: number, hi: number): number {
  const b = hi - v;
  return v - (hi - b) + (-max - b);
}

/** The rows of a tensor along `dim`: `outer` × `inner` rows of `n` elements, `inner` apart. */
function rowsOf(x: Tensor, dim: number): { outer: number; n: number; inner: number } {
  const { outer, length, inner } = axisLayout(x.shape, normalizeDim(dim, x.shape.length) ?? 0);
  return { outer, n: length, inner };
}

/** softmax(sign·x) along `dim` (sign −1 is softmin), written to `out` when given. */
export function softmaxForward(x: Tensor, dim: number, sign: number, out?: FloatArray): Tensor {
  const src = x.data;
  const shape = x.shape;
  const { outer, n, inner } = rowsOf(x, dim);
  const y = outputLike(src, src.length, out);
  const w = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      const s = scanRow(src, base, inner, n, sign, false, w);
      if (s.status === ROW_FINITE) divideRow(w, n, 1 + s.tail, y, base, inner);
      else if (s.status === ROW_INF) oneHotRow(src, sign, s.max, s.infCount === 1 ? 1 : NaN, 0, y, base, inner, n);
      else fillRow(y, base, inner, n, NaN);
    }
  }
  return { data: y, shape };
}

/** y[base + j*stride] = w[j]/total. */
export function divideRow(w: Float64Array, n: number, total: number, y: FloatArray, base: number, stride: number): void {
  for (let j = 0, p = base; j < n; j++, p += stride) y[p] = w[j] / total;
}

/** `top` where sign·x equals the (infinite) maximum, `rest` elsewhere. */
export function oneHotRow(
  src: FloatArray,
  sign: number,
  max: number,
  top: number,
  rest: number,
  y: FloatArray,
  base: number,
  stride: number,
  n: number,
): void {
  for (let j = 0, p = base; j < n; j++, p += stride) y[p] = sign * src[p] === max ? top : rest;
}

export function fillRow(y: FloatArray, base: number, stride: number, n: number, value: number): void {
  for (let j = 0, p = base; j < n; j++, p += stride) y[p] = value;
}

// ---------------------------------------------------------------------------------------------
// The VJPs. g_i·S − (…) cancels whenever softmax_i·n ≈ 1 (log_softmax under the all-ones
// grad_output) or g_i ≈ Σ y_j g_j: a weight rounded to 1 ULP then costs 2^k ULP of the answer
// (418 ULP measured on random rows). So the weights are computed in double-double (~2^-77) and the
// sums and products kept in double-double; a row equal up to 1e-300 resolves its 1e-300 differences.
// Both element types take this path: a float32 answer of a cancelling difference needs the same
// digits before its rounding.

/** Below this magnitude Dekker's splitting in twoProductLo cannot overflow. */
const SPLIT_SAFE = 1e290;

/** ln 2 in three parts: the first two have 42 bits, so k·LN2_1 and k·LN2_2 are exact for |k| < 2^11. */
const LN2_1 = 0.6931471805598903;
const LN2_2 = 5.4979230187085024e-14;
const LN2_3 = -1.3124698417785255e-27;
const INV_LN2 = 1.4426950408889634;

/**
 * Result registers: [0] the low part of the last shiftedExpDD, [1] + [2] the sum of a row's weights
 * (weightsDD), [3] + [4] a row's dot product (shiftedDot), [5] + [6] a row's sum (rowSum). A
 * Float64Array keeps them unboxed (a module-level `let` would allocate a heap number per write).
 */
const REG = new Float64Array(7);

/**
 * e^(xh + xl) as hi + lo (hi returned, lo in REG[0]) for |xh| <= ln 2, relative error about 2^-77,
 * slowly: e^x = 2^k·e^r with |r| <= ln2/2 (Cody–Waite with a three-part ln 2), e^r = (1 + m)^(2^10)
 * with m = expm1(r/2^10) from six Taylor terms, the square of the first in double-double, then ten
 * exact-ish squarings m <- 2m + m². Only builds EXP2_NEG below.
 */
function expSlowDD(xh: number, xl: number): number {
  const k = Math.round(xh * INV_LN2);
  const t1 = xh - k * LN2_1; // exact: k·LN2_1 is exact and within a factor 2 of xh
  const p2 = k * LN2_2;
  let rh = t1 - p2;
  let bb = rh - t1;
  let rl = t1 - (rh - bb) + (-p2 - bb) + (xl - k * LN2_3);
  let t = rh + rl;
  rl -= t - rh;
  rh = t;
  const squarings = Math.abs(rh) > 2.44140625e-4 ? 10 : 0;
  const scale = squarings === 0 ? 1 : 0.0009765625;
  const sh = rh * scale;
  const sl = rl * scale;
  // m = s + s²/2 + s³/6 + … + s⁶/720 (|s| ≤ 3.4e-4: the next term is below 1e-28).
  const sq = sh * sh;
  const sqErr = twoProductLo(sh, sh, sq);
  const rest = sh * sq * (1 / 6 + sh * (1 / 24 + sh * (1 / 120 + sh * (1 / 720))));
  let mh = sh + 0.5 * sq;
  let ml = sh - mh + 0.5 * sq + (0.5 * sqErr + rest + sl * (1 + sh + 0.5 * sq));
  t = mh + ml;
  ml -= t - mh;
  mh = t;
  for (let i = 0; i < squarings; i++) {
    const p = mh * mh;
    const pe = twoProductLo(mh, mh, p) + 2 * mh * ml;
    const twice = 2 * mh;
    const a = twice + p;
    bb = a - twice;
    const b = twice - (a - bb) + (p - bb) + (2 * ml + pe);
    mh = a + b;
    ml = b - (mh - a);
  }
  // 1 + m, then the exact scaling by 2^k (two steps: 2^k alone underflows below k = −1074).
  let eh = 1 + mh;
  let el = 1 - eh + mh + ml;
  t = eh + el;
  el -= t - eh;
  eh = t;
  const half = k >> 1;
  const f1 = Math.pow(2, half);
  const f2 = Math.pow(2, k - half);
  REG[0] = el * f1 * f2;
  return eh * f1 * f2;
}


/** ln 2/64 in parts of 32, 32 and 53 bits: k·LN2_64_1 and k·LN2_64_2 are exact for |k| < 2^21. */
const LN2_64_1 = 0.010830424696905538;
const LN2_64_2 = -6.56392980139141e-13;
const LN2_64_3 = 3.272147545734488e-23;
const INV_LN2_64 = 92.33248261689366; // 64/ln 2
const MAGIC = 6755399441055744; // 1.5·2^52: (v + MAGIC) - MAGIC rounds v to an integer (|v| < 2^51)
/** 2^-k for k = 0..1100 (0 from 1075 on). */
const POW2_NEG = Float64Array.from({ length: 1101 }, (_, k) => 2 ** -k);
/** 2^(-j/64) = EXP2_NEG_HI[j] + EXP2_NEG_LO[j] to about 2^-77, j = 0..63, from expSlowDD(−j·ln2/64). */
const EXP2_NEG_HI = new Float64Array(64);
const EXP2_NEG_LO = new Float64Array(64);
for (let j = 0; j < 64; j++) {
  const a1 = -j * LN2_64_1; // exact (38 bits)
  const a2 = -j * LN2_64_2; // exact
  const xh = a1 + a2;
  const xl = a1 - xh + a2 - j * LN2_64_3;
  EXP2_NEG_HI[j] = expSlowDD(xh, xl);
  EXP2_NEG_LO[j] = REG[0];
}

/**
 * exp(v − max) for v ≤ max, max finite, to about half an ULP (Tang's method; glu uses it as e^t): x − max = hi + lo
 * exactly (twoSum), x = −(64K + j)·ln2/64 + r with |r| <= ln2/128, e^x = 2^-K·2^(-j/64)·e^r with the
 * table in double-double and e^r − 1 to degree 6 (truncation below 2^-65). Math.exp is a C call
 * costing ~8 ns in V8; this inlines.
 */
export function shiftedExp(v: number, max: number): number {
  const hi = v - max;
  // Below −746 e^x is 0 whatever lo is; this also catches v = −inf (where lo is NaN).
  if (!(hi > -746)) return hi === hi ? 0 : NaN;
  const kf = hi * INV_LN2_64 + MAGIC - MAGIC;
  const i = -kf | 0;
  const r = hi - kf * LN2_64_1 - kf * LN2_64_2 + (shiftLo(v, max, hi) - kf * LN2_64_3);
  const p = r + r * r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720)))));
  const th = EXP2_NEG_HI[i & 63];
  return (th + (th * p + EXP2_NEG_LO[i & 63])) * POW2_NEG[i >> 6];
}

/**
 * exp(v − max) as hi + lo (hi returned, lo in REG[0]) for v ≤ max, max finite; relative error about
 * 2^-76. As shiftedExp, with r = x + (64K + j)·ln2/64 carried as rh + rl (a three-part ln2/64),
 * e^r − 1 = rh + rh²/2 + … with rh² exact (Dekker) and the terms from rh³ on (below 2.6e-8) in
 * plain doubles, and the product with the double-double table entry kept in double-double.
 */
function shiftedExpDD(v: number, max: number): number {
  const xh = v - max;
  if (!(xh > -746)) {
    REG[0] = 0;
    return xh === xh ? 0 : NaN;
  }
  const xl = shiftLo(v, max, xh);
  const kf = xh * INV_LN2_64 + MAGIC - MAGIC;
  const i = -kf | 0;
  const t1 = xh - kf * LN2_64_1; // exact: kf·LN2_64_1 is exact and within a factor 2 of xh
  const p2 = kf * LN2_64_2; // exact
  const r0 = t1 - p2;
  const b0 = r0 - t1;
  let rl = t1 - (r0 - b0) + (-p2 - b0) + (xl - kf * LN2_64_3);
  const rh = r0 + rl;
  rl -= rh - r0;
  // m = e^r − 1 (|r| <= 0.0055: the omitted rh^9/9! is below 2^-86).
  const sq = rh * rh;
  const sqErr = twoProductLo(rh, rh, sq);
  const rest = rh * sq * (1 / 6 + rh * (1 / 24 + rh * (1 / 120 + rh * (1 / 720 + rh * (1 / 5040 + rh * (1 / 40320))))));
  const m0 = rh + 0.5 * sq;
  let ml = rh - m0 + 0.5 * sq + (0.5 * sqErr + rest + rl * (1 + rh + 0.5 * sq));
  const mh = m0 + ml;
  ml -= mh - m0;
  // T·(1 + m) with T = th + tl: th + th·mh carried exactly, the small products added to the low part.
  const th = EXP2_NEG_HI[i & 63];
  const tl = EXP2_NEG_LO[i & 63];
  const ph = th * mh;
  const sh = th + ph; // |th| > |ph|: Fast2Sum
  const lo = th - sh + ph + (twoProductLo(th, mh, ph) + tl + th * ml + tl * mh);
  const eh = sh + lo;
  const el = lo - (eh - sh);
  const scale = POW2_NEG[i >> 6];
  REG[0] = el * scale;
  return eh * scale;
}

/**
 * Writes the row's double-double weights: hi parts to hi[j], lo parts to lo[j]; REG[1] + REG[2] hold
 * their sum (updated at every step, see relu.ts on code after loops).
 */
function weightsDD(src: FloatArray, base: number, stride: number, n: number, sign: number, max: number, hi: Float64Array, lo: Float64Array): void {
  let sh = 0;
  let sl = 0;
  for (let j = 0, p = base; j < n; j++, p += stride) {
    const eh = shiftedExpDD(sign * src[p], max);
    const el = REG[0];
    hi[j] = eh;
    lo[j] = el;
    const t = sh + eh;
    const bb = t - sh;
    sl += sh - (t - bb) + (eh - bb) + el;
    sh = t;
    const u = sh + sl;
    REG[1] = u;
    REG[2] = sl - (u - sh);
  }
}

/**
 * The VJP of softmax(sign·x): gx_i = sign·y_i·(g_i − Σ_j y_j g_j) = sign·(e_i/S)·(g_i·S − Σ_j e_j g_j)/S.
 * g is first shifted by r = g at the row's maximum (g' = g − r as an exact hi + lo; the VJP does not
 * change), so a constant g, such as the default all-ones grad_output, gives exactly 0.
 */
export function softmaxBackward(x: Tensor, gradOutput: Tensor, dim: number, sign: number, out?: FloatArray): Tensor {
  const src = x.data;
  const g = gradOutput.data;
  const shape = x.shape;
  const { outer, n, inner } = rowsOf(x, dim);
  const gx = outputLike(src, src.length, out);
  const hi = new Float64Array(n);
  const lo = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      const s = rowMax(src, base, inner, n, sign, false);
      if (s.status === ROW_FINITE) {
        weightsDD(src, base, inner, n, sign, s.max, hi, lo);
        const sh = REG[1];
        const sl = REG[2];
        const r = g[base + s.argmax * inner];
        const exact = shiftedDot(g, base, inner, n, r, hi, lo);
        softmaxVjpRow(g, gx, base, inner, n, r, hi, lo, sh, sl, REG[3], REG[4], exact, sign);
      } else if (s.status === ROW_INF) {
        // The Jacobian's limit is 0 (y is one-hot); 0·Σg keeps a NaN or inf of g visible, as the
        // finite-row formula would. Several entries at the maximum: theirs is undefined.
        const zero = 0 * rowSum(g, base, inner, n, -1);
        oneHotRow(src, sign, s.max, s.infCount === 1 ? zero : NaN, zero, gx, base, inner, n);
      } else {
        fillRow(gx, base, inner, n, NaN);
      }
    }
  }
  return { data: gx, shape };
}

/**
 * P = Σ_j e_j·g'_j in double-double, g'_j = g_j − r as an exact hi + lo, into REG[3] + REG[4]
 * (updated at every step). Returns 1 when every g'_j is small enough for Dekker's split, else 0.
 */
function shiftedDot(g: FloatArray, base: number, stride: number, n: number, r: number, hi: Float64Array, lo: Float64Array): number {
  let ph = 0;
  let pl = 0;
  let exact = 1;
  for (let j = 0, p = base; j < n; j++, p += stride) {
    const gj = g[p];
    const dh = gj - r;
    const b = dh - gj;
    const dl = gj - (dh - b) + (-r - b);
    if (!(Math.abs(dh) < SPLIT_SAFE)) exact = 0;
    const eh = hi[j];
    const th = eh * dh;
    const tl = (exact ? twoProductLo(eh, dh, th) : 0) + eh * dl + lo[j] * dh;
    const u = ph + th;
    const bu = u - ph;
    pl += ph - (u - bu) + (th - bu) + tl;
    ph = u;
    REG[3] = ph;
    REG[4] = pl;
  }
  return exact;
}

/** gx_i = sign·(e_i/S)·(g'_i·S − P)/S for one row. */
function softmaxVjpRow(
  g: FloatArray,
  gx: FloatArray,
  base: number,
  stride: number,
  n: number,
  r: number,
  hi: Float64Array,
  lo: Float64Array,
  sh: number,
  sl: number,
  ph: number,
  pl: number,
  exact: number,
  sign: number,
): void {
  for (let j = 0, p = base; j < n; j++, p += stride) {
    const gj = g[p];
    const dh = gj - r;
    const b = dh - gj;
    const dl = gj - (dh - b) + (-r - b);
    // g'_i·S − P
    const ah = dh * sh;
    const al = (exact ? twoProductLo(dh, sh, ah) : 0) + dh * sl + dl * sh;
    const nh = ah - ph;
    const bn = nh - ah;
    const num = nh + (ah - (nh - bn) + (-ph - bn) + (al - pl));
    gx[p] = ((sign * (hi[j] + lo[j])) / sh) * (num / sh);
  }
}

/** Σ g over the row, leaving out index `skip` (−1: none), in double-double: REG[5] + REG[6] (updated at every step); returns the high part. */
function rowSum(g: FloatArray, base: number, stride: number, n: number, skip: number): number {
  let h = 0;
  let l = 0;
  for (let j = 0, p = base; j < n; j++, p += stride) {
    const v = j === skip ? 0 : g[p]; // not g·0: an infinite g there is left out
    const t = h + v;
    const bb = t - h;
    l += h - (t - bb) + (v - bb);
    h = t;
    REG[5] = h;
    REG[6] = l;
  }
  return h;
}

/**
 * The VJP of log_softmax: gx_i = g_i − softmax_i·G (G = Σ_j g_j) = (g_i·S − e_i·G)/S, in
 * double-double, so a uniform row under the all-ones grad_output gives exactly 0 (1 − n·fl(1/n)
 * need not) and 1 − n·softmax_i near 0 keeps its digits.
 */
export function logSoftmaxBackward(x: Tensor, gradOutput: Tensor, dim: number, out?: FloatArray): Tensor {
  const src = x.data;
  const g = gradOutput.data;
  const shape = x.shape;
  const { outer, n, inner } = rowsOf(x, dim);
  const gx = outputLike(src, src.length, out);
  const hi = new Float64Array(n);
  const lo = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      const s = rowMax(src, base, inner, n, 1, false);
      if (s.status === ROW_FINITE) {
        rowSum(g, base, inner, n, -1);
        const gh = REG[5];
        const gl = REG[6];
        weightsDD(src, base, inner, n, 1, s.max, hi, lo);
        logSoftmaxVjpRow(g, gx, base, inner, n, hi, lo, REG[1], REG[2], gh, gl, Math.abs(gh) < SPLIT_SAFE);
      } else if (s.status === ROW_INF) {
        // softmax → one-hot at the single maximum: gx = g − onehot·G, i.e. −Σ_{j≠k} g_j there.
        rowSum(g, base, inner, n, s.argmax);
        const top = s.infCount === 1 ? 0 - (REG[5] + REG[6]) : NaN;
        oneHotKeepRow(src, g, s.max, top, gx, base, inner, n);
      } else {
        fillRow(gx, base, inner, n, NaN);
      }
    }
  }
  return { data: gx, shape };
}

/** gx_i = (g_i·S − e_i·G)/S for one row; exact: |G| is small enough for Dekker's split. */
function logSoftmaxVjpRow(
  g: FloatArray,
  gx: FloatArray,
  base: number,
  stride: number,
  n: number,
  hi: Float64Array,
  lo: Float64Array,
  sh: number,
  sl: number,
  gh: number,
  gl: number,
  exact: boolean,
): void {
  for (let j = 0, p = base; j < n; j++, p += stride) {
    const gj = g[p];
    const eh = hi[j];
    const el = lo[j];
    if (exact && Math.abs(gj) < SPLIT_SAFE) {
      const ah = gj * sh;
      const al = twoProductLo(gj, sh, ah) + gj * sl;
      const bh = eh * gh;
      const bl = twoProductLo(eh, gh, bh) + eh * gl + el * gh;
      const nh = ah - bh;
      const bn = nh - ah;
      gx[p] = (nh + (ah - (nh - bn) + (-bh - bn) + (al - bl))) / sh;
    } else {
      gx[p] = gj - (eh / sh) * (gh + gl);
    }
  }
}

/** `top` where x equals the (infinite) maximum, g elsewhere. */
function oneHotKeepRow(src: FloatArray, g: FloatArray, max: number, top: number, gx: FloatArray, base: number, stride: number, n: number): void {
  for (let j = 0, p = base; j < n; j++, p += stride) gx[p] = src[p] === max ? top : g[p];
}
