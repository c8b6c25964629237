// logsigmoid: log σ(x) = min(x, 0) - log(1 + e^{-|x|}), never forming 1 + e^{-x} for x << 0.
import { Type } from '@sinclair/typebox';
import { type FloatArray, defineActivation } from '../definition.js';
import { elementwiseDispatch } from '../elementwise-dispatch.js';
import {
  BLOCK,
  DD,
  SLOW,
  ddAdd,
  expLo,
  log1pExpNegDD,
  log1pExpPlain,
  log1pLo,
  sigmoidDD,
  twoProductLo,
  twoSumLo,
} from '../special.js';

export const logsigmoid = defineActivation({
  name: 'logsigmoid',
  summary: 'Log of the logistic sigmoid: -softplus(-x), close to x for x << 0 and to -e^{-x} for x >> 0.',
  formula: '\\log \\sigma(x) = -\\log\\left(1 + e^{-x}\\right)',
  kind: 'elementwise',
  params: Type.Object({}, { additionalProperties: false }),
  learnable: [],
  hasKink: false,
  properties: { monotonic: true, smooth: true, bounded: false, zeroCentred: false, range: '(-inf, 0)' },
  ...elementwiseDispatch(forward32, forward64, backward32, backward64),
});

// Beyond |x| = 640 (and for NaN, ±inf) the double-double forms: e^-|x| nears the subnormals.
// (The loop shape is described in special.ts: fast form everywhere, slow elements redone.)
const FAST = 640;

/** log σ(x) in double-double, for any x. */
function logsigmoidDD(v: number): number {
  // x > 0: -log1p(e^-x); x <= 0: x - log1p(e^x). NaN goes the second way and stays NaN.
  if (v > 0) return -log1pExpNegDD(-v, 0);
  const l = log1pExpNegDD(v, 0);
  return v < -40 ? v - l : ddAdd(v, 0, -l, -DD[1]); // below -40, l < 1e-17·|x|
}

/** Float32: min(x, 0) - log1p(e^-|x|) in plain doubles (log1pExpPlain). */
function forward32(src: Float32Array, y: Float32Array): void {
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      const a = Math.abs(v);
      y[i] = 0.5 * (v - a) - log1pExpPlain(a); // 0.5(x - |x|) = min(x, 0), exactly
      if (!(a <= FAST)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      y[i] = logsigmoidDD(src[i]);
    }
  }
}

/**
 * Float64: min(x, 0) - L with L = log1p(e^-|x|) in double-double (expLo, log1pLo: 2^-58). The two
 * terms have the same sign, so the sum rounds once: about half an ULP.
 */
function forward64(src: Float64Array, y: Float64Array): void {
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      const a = Math.abs(v);
      const q = expLo(-a);
      const lh = log1pLo(q, DD[1]);
      const ll = DD[1];
      const m = 0.5 * (v - a);
      const s = m - lh;
      y[i] = s + (twoSumLo(m, -lh, s) - ll);
      if (!(a <= FAST)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      y[i] = logsigmoidDD(src[i]);
    }
  }
}

/** Float32: σ(-x) from the same table: σ(-|x|) for x >= 0, 1 - σ(-|x|) (at least 1/2) below. */
function backward32(src: Float32Array, g: FloatArray, gx: Float32Array): void {
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      const a = Math.abs(v);
      log1pExpPlain(a);
      const t = DD[0];
      const sn = (DD[1] + t) / (1 + t);
      const neg = Number(v < 0);
      gx[i] = g[i] * (neg * (1 - sn) + (1 - neg) * sn);
      if (!(a <= FAST)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      gx[i] = g[i] * sigmoidDD(-src[i], 0);
    }
  }
}

/** Float64: σ(-x) = 1/(1 + e^x) as a corrected quotient (see sigmoid's backward): about half an ULP. */
function backward64(src: Float64Array, g: FloatArray, gx: Float64Array): void {
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      const e = expLo(v);
      const el = DD[1];
      const s = 1 + e;
      const b = s - 1;
      const sl = 1 - (s - b) + (e - b) + el;
      const r = 1 / s;
      const p = r * s;
      gx[i] = g[i] * (r + (1 - p - twoProductLo(r, s, p) - r * sl) * r); // 1 - p is exact (Sterbenz)
      if (!(Math.abs(v) <= FAST)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      gx[i] = g[i] * sigmoidDD(-src[i], 0);
    }
  }
}
