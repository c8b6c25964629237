// tanh: the hyperbolic tangent, with a derivative that keeps its accuracy in the tails.
import { Type } from '@sinclair/typebox';
import { type FloatArray, defineActivation } from '../definition.js';
import { elementwiseDispatch } from '../elementwise-dispatch.js';
import {
  BLOCK,
  DD,
  SLOW,
  ddAdd,
  ddMul,
  expLo,
  expPlain,
  mulExp,
  sigmoidPrimeDD,
  tanhDD,
  tanhshrinkRatio,
  twoProductLo,
} from '../special.js';

export const tanh = defineActivation({
  name: 'tanh',
  summary: 'Hyperbolic tangent: a zero-centred squashing of the real line into (-1, 1).',
  formula: '\\tanh(x) = \\frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}',
  kind: 'elementwise',
  params: Type.Object({}, { additionalProperties: false }),
  learnable: [],
  hasKink: false,
  properties: { monotonic: true, smooth: true, bounded: true, zeroCentred: true, range: '(-1, 1)' },
  ...elementwiseDispatch(forward32, forward64, backward32, backward64),
});

// Below SMALL, tanh x = x - x^3·Q(x^2): the subtracted part is at most 3% of the result, so Q's
// plain-double error (2^-51) costs at most 0.2 ULP. From SMALL on, (1 - q)/(1 + q) with
// q = e^{-2|x|}: 1 - q amplifies q's error at most 1.2-fold. Beyond FAST (and for NaN) the
// double-double tanhDD; by then tanh x is ±1 to the last bit anyway. (The loop shape is described
// in special.ts: fast form everywhere, slow elements redone.)
const SMALL = 0.3;
const FAST = 320;

// Not Math.tanh: V8's is off by up to 1.9 ULP (measured near x = -0.52), and a C call.

/** Float32: the same two forms in plain doubles. */
function forward32(src: Float32Array, y: Float32Array): void {
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      const a = Math.abs(v);
      if (a < SMALL) {
        const s = v * v;
        y[i] = v - v * s * tanhshrinkRatio(s);
      } else {
        const q = expPlain(-2 * a);
        y[i] = ((1 - q) / (1 + q)) * (2 * Number(v > 0) - 1); // the sign, without a branch
        if (!(a <= FAST)) SLOW[slow++] = i;
      }
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      y[i] = tanhDD(src[i]);
    }
  }
}

/**
 * Float64: (1 - q)/(1 + q) with numerator and denominator carried exactly to first order (q to
 * 2^-58): the quotient's rounding and the result's remain, within 1 ULP. The small form stays
 * within 0.7 ULP.
 */
function forward64(src: Float64Array, y: Float64Array): void {
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      const a = Math.abs(v);
      if (a < SMALL) {
        const s = v * v;
        y[i] = v - v * s * tanhshrinkRatio(s);
      } else {
        const q = expLo(-2 * a);
        const ql = DD[1];
        const num = 1 - q;
        const numl = 1 - num - q - ql; // fast two-difference: q < 1
        const d = 1 + q;
        const dl = 1 - d + q + ql;
        const r = num / d;
        y[i] = (r + (numl - r * dl) / d) * (2 * Number(v > 0) - 1);
        if (!(a <= FAST)) SLOW[slow++] = i;
      }
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      y[i] = tanhDD(src[i]);
    }
  }
}

/** sech^2 x = 4q/(1 + q)^2, q = e^{-2|x|}: no cancellation anywhere, so plain doubles (float32). */
function backward32(src: Float32Array, g: FloatArray, gx: Float32Array): void {
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const a = Math.abs(src[i]);
      const q = expPlain(-2 * a);
      const s = 1 + q;
      gx[i] = g[i] * ((4 * q) / (s * s));
      if (!(a <= FAST)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      gx[i] = g[i] * sechSquared(src[i]);
    }
  }
}

/** Float64: 4q/(1 + q)^2 as a corrected quotient (see sigmoid's backward): about half an ULP. */
function backward64(src: Float64Array, g: FloatArray, gx: Float64Array): void {
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const a = Math.abs(src[i]);
      const q = expLo(-2 * a);
      const ql = DD[1];
      const s = 1 + q;
      const sl = 1 - s + q + ql;
      const S = s * s;
      const Sl = twoProductLo(s, s, S) + 2 * s * sl;
      const r = q / S;
      const p = r * S;
      gx[i] = g[i] * (4 * (r + (q - p - twoProductLo(r, S, p) + ql - r * Sl) / S));
      if (!(a <= FAST)) SLOW[slow++] = i;
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      gx[i] = g[i] * sechSquared(src[i]);
    }
  }
}

/** sech^2 x in double-double, for any x (the reference of the fast forms). */
export function sechSquared(v: number): number {
  if (Math.abs(v) < 0.75) {
    // 1 - tanh^2 loses nothing while tanh^2 < 0.41.
    const t = tanhDD(v);
    ddMul(t, DD[1], t, DD[1]);
    return ddAdd(1, 0, -DD[0], -DD[1]);
  }
  // sech^2 x = 4σ(2x)σ(-2x): 1 - tanh^2 would be 0 from |x| = 19 on.
  if (Math.abs(v) < 350) return 4 * sigmoidPrimeDD(2 * v, 0);
  // 4e^{-2|x|}(1 - 2e^{-2|x|} + ...) rounded once: 4·(a subnormal) would quadruple its error.
  return v === v ? mulExp(4, 0, -2 * Math.abs(v), 0) : v;
}
