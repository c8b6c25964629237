// sigmoid: the logistic function 1/(1 + e^-x), stable for both signs and rounded once.
import { Type } from '@sinclair/typebox';
import { type FloatArray, defineActivation } from '../definition.js';
import { elementwiseDispatch } from '../elementwise-dispatch.js';
import { BLOCK, DD, SLOW, expLo, expPlain, sigmoidDD, sigmoidPrimeDD, twoProductLo } from '../special.js';

export const sigmoid = defineActivation({
  name: 'sigmoid',
  summary: 'Logistic sigmoid: squashes the real line into (0, 1).',
  formula: '\\sigma(x) = \\frac{1}{1 + e^{-x}}',
  kind: 'elementwise',
  params: Type.Object({}, { additionalProperties: false }),
  learnable: [],
  hasKink: false,
  properties: { monotonic: true, smooth: true, bounded: true, zeroCentred: false, range: '(0, 1)' },
  ...elementwiseDispatch(forward32, forward64, backward32, backward64),
});

// Beyond |x| = 640 (and for NaN, ±inf) the double-double functions take over: there e^-|x| nears
// the subnormals, where the low parts below would lose their precision. (The loop shape is
// described in special.ts: fast form everywhere, slow elements redone.)
const FAST = 640;

/** Float32: 1/(1 + e^-x) in plain doubles, relative error about 2^-50 before the one rounding. */
function forward32(src: Float32Array, y: Float32Array): void {
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      y[i] = 1 / (1 + expPlain(-v));
      if (!(Math.abs(v) <= FAST)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      y[i] = sigmoidDD(src[i], 0);
    }
  }
}

/**
 * Float64: 1/(s + sl) with s + sl = 1 + e^-x carried exactly (e^-x to 2^-58), as r - r·r·sl,
 * r = 1/s. What is left is the rounding of r and of the result: within 1 ULP (1.5 where the
 * correction crosses a power of two).
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
      const sl = 1 - (s - b) + (e - b) + el; // two-sum: e may exceed 1
      const r = 1 / s;
      y[i] = r - r * (r * sl);
      if (!(Math.abs(v) <= FAST)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      y[i] = sigmoidDD(src[i], 0);
    }
  }
}

/** σ'(x) = σ(x)σ(-x) = q/(1 + q)^2, q = e^-|x|: no cancellation, so plain doubles (float32). */
function backward32(src: Float32Array, g: FloatArray, gx: Float32Array): void {
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const a = Math.abs(src[i]);
      const q = expPlain(-a);
      const s = 1 + q;
      gx[i] = g[i] * (q / (s * s));
      if (!(a <= FAST)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      gx[i] = g[i] * sigmoidPrimeDD(src[i], 0);
    }
  }
}

/**
 * Float64: q/(1 + q)^2 as a corrected quotient: (1 + q)^2 = S + Sl and the division's remainder
 * exact (Dekker), so only the final roundings remain (about half an ULP).
 */
function backward64(src: Float64Array, g: FloatArray, gx: Float64Array): void {
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const a = Math.abs(src[i]);
      const q = expLo(-a);
      const ql = DD[1];
      const s = 1 + q;
      const sl = 1 - s + q + ql; // fast two-sum: q <= 1
      const S = s * s;
      const Sl = twoProductLo(s, s, S) + 2 * s * sl;
      const r = q / S;
      const p = r * S;
      gx[i] = g[i] * (r + (q - p - twoProductLo(r, S, p) + ql - r * Sl) / S); // q - p is exact (Sterbenz)
      if (!(a <= FAST)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      gx[i] = g[i] * sigmoidPrimeDD(src[i], 0);
    }
  }
}
