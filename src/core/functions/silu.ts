// silu: x·σ(x) (the sigmoid-weighted linear unit), rounded once, exact into the subnormal tail.
import { Type } from '@sinclair/typebox';
import { type FloatArray, defineActivation } from '../definition.js';
import { elementwiseDispatch } from '../elementwise-dispatch.js';
import {
  BLOCK,
  DD,
  SILU_ROOT,
  SILU_WINDOW_32,
  SILU_WINDOW_64,
  ddMulD,
  expLo,
  expPlain,
  mulExp,
  sigmoidDD,
  siluPrime,
  siluPrimeLo,
  siluPrimePlain,
  SLOW,
} from '../special.js';

export const silu = defineActivation({
  name: 'silu',
  summary: 'Sigmoid-weighted linear unit x·σ(x) (swish with beta = 1): smooth, dips to -0.2785 near x = -1.28.',
  formula: 'x \\, \\sigma(x) = \\frac{x}{1 + e^{-x}}',
  kind: 'elementwise',
  params: Type.Object({}, { additionalProperties: false }),
  learnable: [],
  hasKink: false,
  // Minimum -W(1/e) = -0.278464542761074 at x = -1 - W(1/e) = -1.278464542761074.
  properties: { monotonic: false, smooth: true, bounded: false, zeroCentred: false, range: '[-0.278464542761074, +inf)' },
  ...elementwiseDispatch(forward32, forward64, backward32, backward64),
});

// The fast forms need e^-x and (1 + e^-x)^2 finite and e^-x normal; elsewhere (and for NaN, ±inf)
// the double-double forms. (The loop shape is described in special.ts: fast form everywhere, slow
// elements redone.)
const LOW = -300;
const HIGH = 640;

/** x·σ(x) in double-double, for any x. */
export function siluDD(v: number): number {
  if (v >= -700) return v > 750 ? v : ddMulD(sigmoidDD(v, 0), DD[1], v);
  // σ(x) = e^x(1 - e^x + ...) is subnormal here, x·e^x need not be: scale before rounding.
  return v === -Infinity ? -0 : mulExp(v, 0, v, 0); // NaN stays NaN
}

/** Float32: x/(1 + e^-x) in plain doubles. */
function forward32(src: Float32Array, y: Float32Array): void {
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      y[i] = v / (1 + expPlain(-v));
      if (!(v >= LOW && v <= HIGH)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      y[i] = siluDD(src[i]);
    }
  }
}

/**
 * Float64: x/(s + sl) with s + sl = 1 + e^-x carried exactly, as r - r·sl/s, r = x/s: the
 * roundings of r and of the result remain, within 1 ULP.
 */
function forward64(src: Float64Array, y: Float64Array): void {
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      const e = expLo(-v);
      const el = DD[1];
      const s = 1 + e;
      const b = s - 1;
      const sl = 1 - (s - b) + (e - b) + el;
      const r = v / s;
      y[i] = r - (r * sl) / s;
      if (!(v >= LOW && v <= HIGH)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      y[i] = siluDD(src[i]);
    }
  }
}

/** Float32: silu' in plain doubles, the double-double siluPrime near its root and in the tails. */
function backward32(src: Float32Array, g: FloatArray, gx: Float32Array): void {
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      gx[i] = g[i] * siluPrimePlain(v);
      if (!(v >= LOW && v <= HIGH && Math.abs(v - SILU_ROOT) >= SILU_WINDOW_32)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      gx[i] = g[i] * siluPrime(src[i], 0);
    }
  }
}

/** Float64: siluPrimeLo (about half an ULP), siluPrime near the root and in the tails. */
function backward64(src: Float64Array, g: FloatArray, gx: Float64Array): void {
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      const e = expLo(-v);
      gx[i] = g[i] * siluPrimeLo(v, 0, e, DD[1]);
      if (!(v >= LOW && v <= HIGH && Math.abs(v - SILU_ROOT) >= SILU_WINDOW_64)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      gx[i] = g[i] * siluPrime(src[i], 0);
    }
  }
}
