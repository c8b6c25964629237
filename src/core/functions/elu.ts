// elu: x for x > 0, alpha·(e^x - 1) otherwise, through expm1 (torch.nn.functional.elu).
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import type { FloatArray } from '../definition.js';
import { outputLike } from '../tensor.js';

// fdlibm's split of ln 2: m·LN2_HI is exact for |m| < 2^21.
const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.4426950408889634;
const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * c·e^t without the spurious underflow or overflow of e^t on its own: elu's alpha·e^x for x < -708
 * with alpha > 1 is a normal number although e^x is subnormal (or 0). Shared by the ELU family.
 */
export function scaledExp(c: number, t: number): number {
  const e = Math.exp(t);
  if (e >= MIN_NORMAL && e < Infinity) return c * e;
  if (t !== t || c !== c) return NaN;
  if (c === 0 || t < -1500) return c * 0; // |c| <= e^710, so c·e^t underflows below -1500
  if (t > 1500) return c * Infinity; // |c| >= e^-745
  // c = cm·2^k with 1 <= |cm| < 2, t = m·ln2 + r with |r| <= ln2/2; c·e^t = (cm·e^r)·2^(k+m).
  let cm = Math.abs(c);
  let k = 0;
  if (cm < 1e-300) {
    cm *= 2 ** 200;
    k = -200;
  }
  let ke = Math.floor(Math.log2(cm));
  cm *= 2 ** -ke;
  if (cm >= 2) {
    cm /= 2;
    ke += 1;
  } else if (cm < 1) {
    cm *= 2;
    ke -= 1;
  }
  k += ke;
  const m = Math.round(t * INV_LN2);
  const r = t - m * LN2_HI - m * LN2_LO; // t - m·LN2_HI is exact
  const y = (c < 0 ? -cm : cm) * Math.exp(r); // |y| in [0.7, 2.9)
  const n = k + m;
  if (n > 1030) return c * Infinity;
  if (n < -1080) return c * 0;
  // Scale in two steps so that only the last can round (subnormal result) or overflow.
  if (n > 1000) return y * 2 ** (n - 100) * 2 ** 100;
  if (n < -1000) return y * 2 ** (n + 100) * 2 ** -100;
  return y * 2 ** n;
}

// ---------------------------------------------------------------------------------------------
// The exponential of the ELU family's float32 paths (elu, selu, celu).
// A float32 answer is the float64 value rounded once, so a float32 path needs its float64 value to
// about 2^-42 relative, not to the last bit. Math.exp and Math.expm1 cost ~8 ns a call in V8 (a C
// call); this table-driven form is inlined into the loops and costs ~2 ns.

const MAGIC = 6755399441055744; // 1.5·2^52: (v + MAGIC) - MAGIC rounds v to an integer (|v| < 2^51)
const INV_LN2_32 = 46.16624130844683; // 32/ln 2
const LN2_32_HI = 0.021660849392446835; // ln 2/32 to 37 bits: k·LN2_32_HI is exact for |k| < 2^16
const LN2_32_LO = 5.145609244655338e-14; // ln 2/32 - LN2_32_HI
/** 2^(-j/32), j = 0..31, and 2^-k, k = 0..1099 (0 from k = 1075 on). */
const EXP2_FRAC = Float64Array.from({ length: 32 }, (_, j) => 2 ** (-j / 32));
const EXP2_INT = Float64Array.from({ length: 1100 }, (_, k) => 2 ** -k);

/** e^w - 1 of the last negExp call (a Float64Array keeps it unboxed). */
export const NEG_EXPM1 = new Float64Array(1);

/**
 * e^w for w <= 0 (returned) and e^w - 1 (in NEG_EXPM1[0]), each within about 2^-46 relative (2^-51
 * for e^w); a NaN w is taken as -inf (the callers route NaN elsewhere). w = -(32k + j)·ln2/32 + r with |r| <= ln2/64: e^w = 2^-k·2^(-j/32)·e^r,
 * e^r - 1 from six Taylor terms (the next is below 2^-60). With t = 2^-k·2^(-j/32), t - 1 is exact
 * for k = 0 (Sterbenz), so e^w - 1 = (t - 1) + t·(e^r - 1) keeps its digits near w = 0.
 */
export function negExp(w: number): number {
  if (!(w > -746)) w = -746; // e^x rounds to 0 below -745.14: so does this (2^-1077·…)
  const kf = w * INV_LN2_32 + MAGIC - MAGIC;
  const r = w - kf * LN2_32_HI - kf * LN2_32_LO;
  const i = -kf | 0;
  const t = EXP2_FRAC[i & 31] * EXP2_INT[i >> 5];
  const tp = t * (r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720)))))));
  NEG_EXPM1[0] = t - 1 + tp;
  return t + tp;
}

/** e^w - 1 as negExp computes it, without e^w (nor the register): the forward loops need only this. */
export function negExpm1(w: number): number {
  if (!(w > -746)) w = -746;
  const kf = w * INV_LN2_32 + MAGIC - MAGIC;
  const r = w - kf * LN2_32_HI - kf * LN2_32_LO;
  const i = -kf | 0;
  const t = EXP2_FRAC[i & 31] * EXP2_INT[i >> 5];
  return t - 1 + t * (r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720)))))));
}

/** Below this |alpha| the float32 paths' products alpha·g·e^x cannot reach float32's range from a subnormal e^x. */
export const FLOAT32_SCALE_LIMIT = 2 ** 100;

export const elu = defineActivation({
  name: 'elu',
  summary: 'Exponential linear unit: the identity for x > 0, a saturating exponential down to -alpha below.',
  formula: '\\begin{cases} x & x > 0 \\\\ \\alpha \\left(e^{x} - 1\\right) & x \\le 0 \\end{cases}',
  kind: 'elementwise',
  params: Type.Object(
    {
      alpha: Type.Number({ default: 1, description: 'Saturation value -alpha for x -> -inf (learnable).' }),
    },
    { additionalProperties: false },
  ),
  learnable: ['alpha'],
  hasKink: false,
  // alpha = 1: continuously differentiable (slope 1 on both sides of 0).
  properties: { monotonic: true, smooth: true, bounded: false, zeroCentred: false, range: '(-1, +inf)' },
  forward(x, params, out) {
    const alpha = params.alpha;
    const src = x.data;
    const n = src.length;
    if (src instanceof Float32Array && Math.abs(alpha) <= FLOAT32_SCALE_LIMIT) {
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
    // d y/d x = alpha·e^x for x <= 0 (torch: alpha at 0); d y/d alpha = e^x - 1 there.
    if (src instanceof Float32Array && g instanceof Float32Array && Math.abs(alpha) <= FLOAT32_SCALE_LIMIT) {
      const gx = outputLike(src, n, out) as Float32Array;
      const gradAlpha = backwardFloat32(src, g, gx, n, alpha);
      return { gradInput: { data: gx, shape: x.shape }, gradParams: { alpha: gradAlpha } };
    }
    const gx = outputLike(src, n, out);
    const gradAlpha = backwardExact(src, g, gx, n, alpha);
    return { gradInput: { data: gx, shape: x.shape }, gradParams: { alpha: gradAlpha } };
  },
});

// Loops as relu.ts describes them (a function each, nothing after the loop). The exact loops branch
// on the sign: Math.expm1 costs more than a mispredicted branch. The float32 loops compute the cheap
// exponential for every element (of min(x, 0)) and select with 0/1 masks, branch-free.

function forwardExact(src: FloatArray, y: FloatArray, n: number, alpha: number): void {
  for (let i = 0; i < n; i++) {
    const v = src[i];
    y[i] = v > 0 ? v : alpha * Math.expm1(v); // NaN passes through
  }
}

function forwardFloat32(src: Float32Array, y: Float32Array, n: number, alpha: number): void {
  for (let i = 0; i < n; i++) {
    const v = src[i];
    if (v - v === 0) {
      const m = +(v > 0);
      y[i] = v * m + alpha * negExpm1(v * (1 - m)) * (1 - m); // of min(x, 0); e^0 - 1 = 0 for x > 0
    } else {
      y[i] = v > 0 ? v : v === v ? -alpha : v; // ±inf, NaN
    }
  }
}

/** Writes g·elu'(x) to gx; returns d loss/d alpha = Σ g·(e^x - 1) over x <= 0, compensated. */
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
    gx[i] = gi * scaledExp(alpha, v); // NaN propagates
    const term = gi * Math.expm1(v);
    const s = sum + term;
    const b = s - sum;
    comp += sum - (s - b) + (term - b);
    sum = s;
    total = s - s === 0 ? s + comp : s; // an infinite sum has a NaN compensation
  }
  return total;
}

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
      const e = negExp(v * (1 - m)); // of min(x, 0)
      gx[i] = gi * m + gi * (alpha * e) * (1 - m);
      term = gi * NEG_EXPM1[0] * (1 - m);
    } else {
      gx[i] = v > 0 ? gi : gi * scaledExp(alpha, v); // ±inf, NaN
      term = v > 0 ? 0 : gi * Math.expm1(v);
    }
    const s = sum + term;
    const b = s - sum;
    comp += sum - (s - b) + (term - b);
    sum = s;
    total = s - s === 0 ? s + comp : s; // an infinite sum has a NaN compensation
  }
  return total;
}
