// celu: max(0, x) + min(0, alpha·(e^{x/alpha} - 1)), the ELU that is C1 for every alpha (torch's celu).
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import type { FloatArray } from '../definition.js';
import { outputLike } from '../tensor.js';
import { FLOAT32_SCALE_LIMIT, NEG_EXPM1, negExp, negExpm1, scaledExp } from './elu.js';

const SPLIT = 134217729; // 2^27 + 1, Dekker's splitter

/** Rounding error of the product a·b (exactly a·b - p for p = fl(a·b)), by Dekker's splitting. */
function productError(a: number, b: number, p: number): number {
  let c = SPLIT * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLIT * b;
  const bh = c - (c - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/**
 * tl with t + tl = x/alpha to about twice double precision, t = fl(x/alpha). The rounding of t is
 * amplified by e^t (|t|-fold relative error in exp(t) and a 2-fold one in the alpha slope near 0), so
 * we carry it: x - t·alpha is exact in double and Dekker's product gives it without fma. 0 when alpha
 * is 1, t is not finite or |t| > 1500 (where e^t has no digits left to correct).
 */
function quotientLow(x: number, alpha: number, t: number): number {
  if (!(Math.abs(t) <= 1500)) return 0;
  // Power-of-two scaling (exact) keeps the split from overflowing and its error terms from underflowing.
  let xs = x;
  let as = alpha;
  const aa = Math.abs(alpha);
  if (aa < 2 ** -300) {
    xs *= 2 ** 600;
    as *= 2 ** 600;
  } else if (aa > 2 ** 300) {
    xs *= 2 ** -600;
    as *= 2 ** -600;
  }
  if (!(Math.abs(xs) >= 2 ** -900)) return 0;
  const p = t * as;
  return (xs - p - productError(t, as, p)) / as;
}

// [c, f(c) high, f(c) low, e^c] for f(c) = expm1(c) - c·e^c, from mpmath at 60 digits.
const CENTRES = [
  [-0.5, -0.09020401043104986, -9.88976762323712e-19, 0.6065306597126334],
  [-1.0, -0.26424111765711533, -2.4857507345576725e-17, 0.36787944117144233],
  [-1.5, -0.4421745996289254, -1.441405417583771e-17, 0.22313016014842982],
  [-2.0, -0.5939941502901619, -3.1271442698660074e-17, 0.1353352832366127],
  [-2.5, -0.7127025048163542, 4.0001103803509346e-18, 0.0820849986238988],
  [-3.0, -0.8008517265285442, -3.368813149218666e-17, 0.049787068367863944],
];

/**
 * d/d alpha of alpha·expm1(x/alpha) = expm1(t) - t·e^t at t = x/alpha. Written directly it cancels
 * (like -t²/2 near 0, by a factor 4 still at t = -1), so by region:
 * |t| small: -t²/2·(1 + w) from the Taylor series, t² exact, w = (2/3)t(1 + (3/8)t(...)) a correction;
 * -3.25 <= t < -0.5: Taylor around the nearest tabulated c, f(c + h) = f(c) - e^c·sum_{k>=1} (c+k-1) h^k/k!;
 * elsewhere -(1 + (t-1)·e^t) with the product exact, where 1 dominates (t < -3.25) or the product does.
 * Measured against mpmath (with the tl correction of the caller): within 1.5 ULP for either sign of t.
 */
function alphaSlope(t: number): number {
  const a = Math.abs(t);
  if (t >= -0.5 && t < 1) {
    const n = a < 1e-3 ? 7 : a < 0.05 ? 11 : a < 0.5 ? 17 : 27;
    let q = 1; // coefficient ratios c_{k+1}/c_k = k/((k+1)(k-1)) of c_k = (k-1)/k!
    for (let k = n; k >= 3; k--) q = 1 + t * (k / ((k + 1) * (k - 1))) * q;
    const w = t * (2 / 3) * q;
    const sq = t * t;
    const sqErr = productError(t, t, sq);
    return -(0.5 * sq + (0.5 * sq * w + 0.5 * sqErr * (1 + w)));
  }
  if (t < 0 && t >= -3.25) {
    const row = CENTRES[Math.min(6, Math.round(-2 * t)) - 1];
    const c = row[0];
    const h = t - c; // exact
    let q = 0; // sum_{k>=1} (c+k-1) h^k/k! = h·(c + h/2·((c+1) + h/3·((c+2) + ...)))
    for (let k = 16; k >= 2; k--) q = (h / k) * (c + k - 1 + q);
    return row[1] + (row[2] - row[3] * (h * (c + q)));
  }
  if (t < -800) return -1; // t·e^t is below every double
  const e = Math.exp(t);
  const u = t - 1;
  const p = u * e;
  if (!Number.isFinite(p)) return -p; // -(t-1)·e^t overflows from t ≈ 703.1; NaN passes through
  const pErr = e < 1e290 ? productError(u, e, p) : 0; // the split would overflow
  const s = 1 + p;
  return -(s + (1 - s + p + pErr));
}

export const celu = defineActivation({
  name: 'celu',
  summary: 'Continuously differentiable ELU: alpha·(e^{x/alpha} - 1) below 0, the identity above.',
  formula: '\\max(0, x) + \\min\\left(0, \\alpha \\left(e^{x/\\alpha} - 1\\right)\\right)',
  kind: 'elementwise',
  params: Type.Object(
    {
      alpha: Type.Number({
        default: 1,
        description: 'Saturation value -alpha for x -> -inf and scale of x (learnable); must not be 0.',
      }),
    },
    { additionalProperties: false },
  ),
  learnable: ['alpha'],
  hasKink: false,
  properties: { monotonic: true, smooth: true, bounded: false, zeroCentred: false, range: '(-1, +inf)' },
  check(params) {
    if (params.alpha === 0) return 'params.alpha must not be 0 (celu divides x by alpha)';
    return undefined;
  },
  forward(x, params, out) {
    const alpha = params.alpha;
    const src = x.data;
    const n = src.length;
    if (src instanceof Float32Array && floatPathAlpha(alpha)) {
      const y = outputLike(src, n, out) as Float32Array;
      forwardFloat32(src, y, n, alpha);
      return { data: y, shape: x.shape };
    }
    const y = outputLike(src, n, out);
    forwardExact(src, y, n, alpha);
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput, params, _kink, out) {
    const alpha = params.alpha;
    const src = x.data;
    const g = gradOutput.data;
    const n = src.length;
    // d y/d x = e^{x/alpha} for x <= 0 (1 at 0 from both sides); d y/d alpha = expm1(t) - t·e^t there.
    if (src instanceof Float32Array && g instanceof Float32Array && floatPathAlpha(alpha)) {
      const gx = outputLike(src, n, out) as Float32Array;
      const gradAlpha = backwardFloat32(src, g, gx, n, alpha);
      return { gradInput: { data: gx, shape: x.shape }, gradParams: { alpha: gradAlpha } };
    }
    const gx = outputLike(src, n, out);
    const gradAlpha = backwardExact(src, g, gx, n, alpha);
    return { gradInput: { data: gx, shape: x.shape }, gradParams: { alpha: gradAlpha } };
  },
});

/**
 * The float32 loops need alpha > 0 (so that x/alpha <= 0 for x <= 0) and x/alpha finite for every
 * float32 x, and alpha·e^t must not reach float32's range from a subnormal e^t.
 */
function floatPathAlpha(alpha: number): boolean {
  return alpha >= 1 / FLOAT32_SCALE_LIMIT && alpha <= FLOAT32_SCALE_LIMIT;
}

// Loops as elu.ts describes them. The exact loops carry t = x/alpha as t + tl; the float32 loops
// (alpha > 0, so t <= 0 for x <= 0) take t rounded, whose error moves e^t by |t|·2^-53 relative, well
// inside what a float32 answer needs, and the cheap exponential of min(x, 0)/alpha for every element.

function forwardExact(src: FloatArray, y: FloatArray, n: number, alpha: number): void {
  for (let i = 0; i < n; i++) {
    const v = src[i];
    if (v > 0 || v !== v) {
      y[i] = v; // NaN passes through
      continue;
    }
    // For x <= 0 the min picks alpha·expm1(x/alpha) for either sign of alpha.
    const t = v / alpha;
    const tl = quotientLow(v, alpha, t);
    const em = Math.expm1(t);
    if (em === Infinity) {
      y[i] = scaledExp(alpha, t) * (1 + tl); // alpha < 0: alpha·e^t may be finite beyond e^709.8
      continue;
    }
    // alpha·expm1(t + tl) = alpha·expm1(t) + alpha·e^t·tl, the first product carried exactly.
    const p = alpha * em;
    const exact = Math.abs(p) > 1e-290 && Math.abs(alpha) < 1e290 && Math.abs(em) < 1e290; // split range
    const pErr = exact ? productError(alpha, em, p) : 0;
    y[i] = p + (pErr + alpha * (em + 1) * tl);
  }
}

function forwardFloat32(src: Float32Array, y: Float32Array, n: number, alpha: number): void {
  for (let i = 0; i < n; i++) {
    const v = src[i];
    if (v - v === 0) {
      const m = +(v > 0);
      y[i] = v * m + alpha * negExpm1((v * (1 - m)) / alpha) * (1 - m); // of min(x, 0)/alpha: 0 for x > 0
    } else {
      y[i] = v > 0 ? v : v === v ? -alpha : v; // ±inf, NaN
    }
  }
}

/** Writes g·celu'(x) to gx; returns d loss/d alpha, compensated. */
function backwardExact(src: FloatArray, g: FloatArray, gx: FloatArray, n: number, alpha: number): number {
  let sum = 0;
  let comp = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = src[i];
    const gi = g[i];
    if (v > 0) {
      gx[i] = gi;
      continue;
    }
    let term: number;
    if (v !== v) {
      gx[i] = v;
      term = v;
    } else {
      const t = v / alpha;
      const tl = quotientLow(v, alpha, t);
      const e = Math.exp(t);
      gx[i] = gi * (e < Infinity ? e + e * tl : e);
      const f = alphaSlope(t);
      // f(t + tl) = f(t) + f'(t)·tl with f'(t) = -t·e^t.
      term = gi * (tl !== 0 && Number.isFinite(f) ? f - t * e * tl : f);
    }
    const s = sum + term;
    const b = s - sum;
    comp += sum - (s - b) + (term - b);
    sum = s;
    total = s - s === 0 ? s + comp : s; // an infinite sum has a NaN compensation
  }
  return total;
}

/**
 * c_j = (j + 1)/(j + 2)! for expm1(t) - t·e^t = -t²·sum_j c_j t^j (j <= 13: the next term is below
 * 2^-55 of the sum for |t| <= 0.5).
 */
const SLOPE_SERIES = Float64Array.from({ length: 14 }, (_, j) => {
  let f = 1;
  for (let k = 2; k <= j + 2; k++) f *= k;
  return (j + 1) / f;
});

function backwardFloat32(src: Float32Array, g: Float32Array, gx: Float32Array, n: number, alpha: number): number {
  let sum = 0;
  let comp = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = src[i];
    const gi = g[i];
    let term: number;
    if (v - v === 0 && gi - gi === 0) {
      const m = +(v > 0);
      const t = (v * (1 - m)) / alpha; // min(x, 0)/alpha
      const e = negExp(t);
      gx[i] = gi * m + gi * e * (1 - m);
      // expm1(t) - t·e^t cancels like -t²/2 near 0: the series there, the difference below -1/2
      // (where it loses at most a factor 4).
      let f: number;
      if (t >= -0.5) {
        let q = SLOPE_SERIES[13];
        for (let j = 12; j >= 0; j--) q = q * t + SLOPE_SERIES[j];
        f = -(t * t) * q;
      } else {
        f = NEG_EXPM1[0] - t * e;
      }
      term = gi * f;
    } else if (v > 0) {
      gx[i] = gi; // +inf, or an infinite or NaN g
      term = 0;
    } else if (v !== v) {
      gx[i] = v;
      term = v;
    } else {
      const t = v / alpha; // as the exact loop, for -inf or an infinite or NaN g
      const tl = quotientLow(v, alpha, t);
      const e = Math.exp(t);
      gx[i] = gi * (e + e * tl);
      const f = alphaSlope(t);
      term = gi * (tl !== 0 && Number.isFinite(f) ? f - t * e * tl : f);
    }
    const s = sum + term;
    const b = s - sum;
    comp += sum - (s - b) + (term - b);
    sum = s;
    total = s - s === 0 ? s + comp : s; // an infinite sum has a NaN compensation
  }
  return total;
}
