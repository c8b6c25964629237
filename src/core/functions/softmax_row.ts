// Shared row kernels of the softmax family (softmax, log_softmax, softmin, logsumexp): the dim check,
// the row scan (maximum, shifted exponentials exp(x_j − max)), softmax/softmin and the VJPs.
import type { Tensor } from '../definition.js';
import { twoProductLo } from '../special.js';
import { axisLayout, normalizeDim } from '../tensor.js';

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
const ROW_NAN = 2;

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
 * −x; negation is exact) and, for a finite maximum, writes exp(sign·x_j − max) to
 * w[wBase + j*wStride] (rowWeights). Otherwise the weights are left untouched and `scan.status` says
 * why: an infinite maximum is never subtracted (replacing it by 0, DESIGN §3, would still give
 * inf/inf = NaN for softmax([inf, 1])). With `withZero` the row gets an implicit extra element 0
 * (logsumexp's LSE(0, x…)): it takes part in the maximum and the tail.
 */
export function scanRow(
  src: Float64Array,
  base: number,
  stride: number,
  n: number,
  sign: number,
  withZero: boolean,
  w: Float64Array,
  wBase: number,
  wStride: number,
): RowScan {
  rowMax(src, base, stride, n, sign, withZero);
  if (scan.status === ROW_FINITE) rowWeights(src, base, stride, n, sign, withZero, w, wBase, wStride);
  return scan;
}

/** Sets scan.status, max, argmax and infCount for a row (see scanRow). */
function rowMax(src: Float64Array, base: number, stride: number, n: number, sign: number, withZero: boolean): RowScan {
  let max = withZero ? 0 : -Infinity;
  let argmax = withZero ? -1 : 0;
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
  scan.argmax = argmax;
  scan.max = max;
  scan.tail = 0;
  scan.infCount = 0;
  if (nan) {
    scan.status = ROW_NAN;
  } else if (max === Infinity || max === -Infinity) {
    let count = 0;
    for (let j = 0, p = base; j < n; j++, p += stride) if (sign * src[p] === max) count++;
    scan.status = ROW_INF;
    scan.infCount = count;
  } else {
    scan.status = ROW_FINITE;
  }
  return scan;
}

/**
 * Writes the weights e_j = exp(sign·x_j − max) of a row with a finite maximum and sets scan.tail.
 *
 * Why x_j − max as hi + lo: it rounds unless the two are within a factor of 2 (Sterbenz), and exp
 * turns that absolute error into a relative error of |x_j − max|·eps (700 ULP at a distance of 700).
 * twoSum gives hi + lo = x_j − max exactly and exp(hi + lo) = exp(hi) + exp(hi)·lo to within lo².
 */
function rowWeights(
  src: Float64Array,
  base: number,
  stride: number,
  n: number,
  sign: number,
  withZero: boolean,
  w: Float64Array,
  wBase: number,
  wStride: number,
): void {
  const max = scan.max;
  const argmax = scan.argmax;
  // Neumaier summation of nonnegative terms: the tail is accurate to ~1 ULP for any row length.
  let sum = withZero && argmax !== -1 ? shiftedExp(0, max) : 0;
  let comp = 0;
  for (let j = 0, p = base, q = wBase; j < n; j++, p += stride, q += wStride) {
    const e = shiftedExp(sign * src[p], max);
    w[q] = e;
    if (j === argmax) continue;
    const t = sum + e;
    comp += sum >= e ? sum - t + e : e - t + sum;
    sum = t;
  }
  scan.tail = sum + comp;
}

/** exp(v − max) for v ≤ max (max finite), with the difference carried as hi + lo (twoSum). */
function shiftedExp(v: number, max: number): number {
  const hi = v - max;
  // Below −746 exp underflows to 0 whatever lo is; this also catches v = −inf (where lo is NaN).
  if (!(hi > -746)) return hi === hi ? 0 : NaN;
  const e = Math.exp(hi);
  return e + e * shiftLo(v, max, hi);
}

/** lo such that hi + lo = v − max exactly, for hi = fl(v − max) finite (twoSum). */
export function shiftLo(v: number, max: number, hi: number): number {
  const b = hi - v;
  return v - (hi - b) + (-max - b);
}

/** softmax(sign·x) along `dim` (sign −1 is softmin). */
export function softmaxForward(x: Tensor, dim: number, sign: number): Tensor {
  const src = x.data;
  const { outer, length: n, inner } = axisLayout(x.shape, normalizeDim(dim, x.shape.length) ?? 0);
  const y = new Float64Array(src.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      const s = scanRow(src, base, inner, n, sign, false, y, base, inner);
      if (s.status === ROW_FINITE) {
        const total = 1 + s.tail;
        for (let j = 0, p = base; j < n; j++, p += inner) y[p] /= total;
      } else if (s.status === ROW_INF) {
        const top = s.infCount === 1 ? 1 : NaN;
        for (let j = 0, p = base; j < n; j++, p += inner) y[p] = sign * src[p] === s.max ? top : 0;
      } else {
        for (let j = 0, p = base; j < n; j++, p += inner) y[p] = NaN;
      }
    }
  }
  return { data: y, shape: x.shape };
}

// ---------------------------------------------------------------------------------------------
// The VJPs. g_i·S − (…) cancels whenever softmax_i·n ≈ 1 (log_softmax under the all-ones
// grad_output) or g_i ≈ Σ y_j g_j: a weight rounded to 1 ULP then costs 2^k ULP of the answer
// (418 ULP measured on random rows). So the weights are computed in double-double (~2^-77) and the
// sums and products kept in double-double; a row equal up to 1e-300 resolves its 1e-300 differences.

/** Below this magnitude Dekker's splitting in twoProductLo cannot overflow. */
const SPLIT_SAFE = 1e290;

/** ln 2 in three parts: the first two have 42 bits, so k·LN2_1 and k·LN2_2 are exact for |k| < 2^11. */
const LN2_1 = 0.6931471805598903;
const LN2_2 = 5.4979230187085024e-14;
const LN2_3 = -1.3124698417785255e-27;
const INV_LN2 = 1.4426950408889634;

/**
 * Result registers: [0] the low part of the last shiftedExpDD, [1] + [2] the sum of a row's weights
 * after weightsDD. A Float64Array keeps them unboxed (a module-level `let` would allocate a heap
 * number per write).
 */
const REG = new Float64Array(3);

/**
 * exp(v − max) as hi + lo (hi returned, lo in REG[0]) for v ≤ max, max finite; relative error about
 * 2^-77. x − max is exact as twoSum; exp(x) = 2^k·exp(r) with |r| ≤ ln2/2 (Cody–Waite with a
 * three-part ln 2), exp(r) = (1 + m)^(2^10) with m = expm1(r/2^10) from six Taylor terms, the square
 * of the first in double-double, then ten exact-ish squarings m ← 2m + m².
 */
function shiftedExpDD(v: number, max: number): number {
  const xh = v - max;
  if (!(xh > -746)) {
    REG[0] = 0;
    return xh === xh ? 0 : NaN;
  }
  const xl = shiftLo(v, max, xh);
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

/** Writes the row's double-double weights: hi parts to w[p], lo parts to lo[j]; sets REG[1] + REG[2] to their sum. */
function weightsDD(
  src: Float64Array,
  base: number,
  stride: number,
  n: number,
  sign: number,
  w: Float64Array,
  lo: Float64Array,
): void {
  const max = scan.max;
  let sh = 0;
  let sl = 0;
  for (let j = 0, p = base; j < n; j++, p += stride) {
    const eh = shiftedExpDD(sign * src[p], max);
    const el = REG[0];
    w[p] = eh;
    lo[j] = el;
    const t = sh + eh;
    const bb = t - sh;
    sl += sh - (t - bb) + (eh - bb) + el;
    sh = t;
  }
  const t = sh + sl;
  REG[1] = t;
  REG[2] = sl - (t - sh);
}

/**
 * The VJP of softmax(sign·x): gx_i = sign·y_i·(g_i − Σ_j y_j g_j) = sign·(e_i/S)·(g_i·S − Σ_j e_j g_j)/S.
 * g is first shifted by r = g at the row's maximum (g' = g − r as an exact hi + lo; the VJP does not
 * change), so a constant g, such as the default all-ones grad_output, gives exactly 0.
 */
export function softmaxBackward(x: Tensor, gradOutput: Tensor, dim: number, sign: number): Tensor {
  const src = x.data;
  const g = gradOutput.data;
  const { outer, length: n, inner } = axisLayout(x.shape, normalizeDim(dim, x.shape.length) ?? 0);
  const gx = new Float64Array(src.length);
  const lo = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      const s = rowMax(src, base, inner, n, sign, false);
      if (s.status === ROW_FINITE) {
        weightsDD(src, base, inner, n, sign, gx, lo);
        const sh = REG[1];
        const sl = REG[2];
        const r = g[base + s.argmax * inner];
        // P = Σ_j e_j·g'_j in double-double.
        let ph = 0;
        let pl = 0;
        let exact = true;
        for (let j = 0, p = base; j < n; j++, p += inner) {
          const gj = g[p];
          const dh = gj - r;
          const b = dh - gj;
          const dl = gj - (dh - b) + (-r - b);
          if (!(Math.abs(dh) < SPLIT_SAFE)) exact = false;
          const eh = gx[p];
          const th = eh * dh;
          const tl = (exact ? twoProductLo(eh, dh, th) : 0) + eh * dl + lo[j] * dh;
          const u = ph + th;
          const bu = u - ph;
          pl += ph - (u - bu) + (th - bu) + tl;
          ph = u;
        }
        for (let j = 0, p = base; j < n; j++, p += inner) {
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
          gx[p] = ((sign * (gx[p] + lo[j])) / sh) * (num / sh);
        }
      } else if (s.status === ROW_INF) {
        // The Jacobian's limit is 0 (y is one-hot); 0·Σg keeps a NaN or inf of g visible, as the
        // finite-row formula would. Several entries at the maximum: theirs is undefined.
        let gsum = 0;
        for (let j = 0, p = base; j < n; j++, p += inner) gsum += g[p];
        const zero = 0 * gsum;
        const top = s.infCount === 1 ? zero : NaN;
        for (let j = 0, p = base; j < n; j++, p += inner) gx[p] = sign * src[p] === s.max ? top : zero;
      } else {
        for (let j = 0, p = base; j < n; j++, p += inner) gx[p] = NaN;
      }
    }
  }
  return { data: gx, shape: x.shape };
}

/**
 * The VJP of log_softmax: gx_i = g_i − softmax_i·G (G = Σ_j g_j) = (g_i·S − e_i·G)/S, in
 * double-double, so a uniform row under the all-ones grad_output gives exactly 0 (1 − n·fl(1/n)
 * need not) and 1 − n·softmax_i near 0 keeps its digits.
 */
export function logSoftmaxBackward(x: Tensor, gradOutput: Tensor, dim: number): Tensor {
  const src = x.data;
  const g = gradOutput.data;
  const { outer, length: n, inner } = axisLayout(x.shape, normalizeDim(dim, x.shape.length) ?? 0);
  const gx = new Float64Array(src.length);
  const lo = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      const s = rowMax(src, base, inner, n, 1, false);
      // G as gh + gl and, for the one-hot limit, the sum without the maximum (both double-double).
      let gh = 0;
      let gl = 0;
      let rh = 0;
      let rl = 0;
      for (let j = 0, p = base; j < n; j++, p += inner) {
        const v = g[p];
        let t = gh + v;
        let bb = t - gh;
        gl += gh - (t - bb) + (v - bb);
        gh = t;
        if (j === s.argmax) continue;
        t = rh + v;
        bb = t - rh;
        rl += rh - (t - bb) + (v - bb);
        rh = t;
      }
      if (s.status === ROW_FINITE) {
        weightsDD(src, base, inner, n, 1, gx, lo);
        const sh = REG[1];
        const sl = REG[2];
        const exact = Math.abs(gh) < SPLIT_SAFE;
        for (let j = 0, p = base; j < n; j++, p += inner) {
          const gj = g[p];
          const eh = gx[p];
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
      } else if (s.status === ROW_INF) {
        // softmax → one-hot at the single maximum: gx = g − onehot·G, i.e. −Σ_{j≠k} g_j there.
        const top = s.infCount === 1 ? 0 - (rh + rl) : NaN;
        for (let j = 0, p = base; j < n; j++, p += inner) gx[p] = src[p] === s.max ? top : g[p];
      } else {
        for (let j = 0, p = base; j < n; j++, p += inner) gx[p] = NaN;
      }
    }
  }
  return { data: gx, shape: x.shape };
}
