// softsign: x/(1 + |x|), a tanh-like squashing with polynomial tails.
import { Type } from '@sinclair/typebox';
import { type FloatArray, defineActivation } from '../definition.js';
import { elementwiseDispatch } from '../elementwise-dispatch.js';
import { DD, ddDiv } from '../special.js';

export const softsign = defineActivation({
  name: 'softsign',
  summary: 'Softsign: x/(1 + |x|), squashes into (-1, 1) with polynomially approaching tails.',
  formula: '\\frac{x}{1 + |x|}',
  kind: 'elementwise',
  params: Type.Object({}, { additionalProperties: false }),
  learnable: [],
  hasKink: false,
  // Continuously differentiable (the second derivative jumps at 0).
  properties: { monotonic: true, smooth: true, bounded: true, zeroCentred: true, range: '(-1, 1)' },
  ...elementwiseDispatch(forward32, forward64, backward32, backward64),
});

/**
 * Float32: x/(1 + |x|) in plain doubles (two roundings, 2^-52). A float32 is below 3.5e38, so the
 * only special inputs are ±inf (where inf/inf would be NaN) and NaN.
 */
function forward32(src: Float32Array, y: Float32Array): void {
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    const a = Math.abs(v);
    y[i] = a < Infinity ? v / (1 + a) : v === v ? Math.sign(v) : v;
  }
}

/** Float64: the quotient with 1 + |x| carried exactly (s + sl), about half an ULP. */
function forward64(src: Float64Array, y: Float64Array): void {
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    const a = Math.abs(v);
    if (a > 1e290) {
      y[i] = v > 0 ? 1 : -1; // 1 - 1/(1 + |x|) rounds to 1 (and the split below would overflow)
      continue;
    }
    // s + sl = 1 + |x| exactly.
    const s = 1 + a;
    y[i] = ddDiv(v, 0, s, a > 1 ? 1 - (s - a) : a - (s - 1)); // NaN stays NaN
  }
}

/** Float32: (1 + |x|)^-2 in plain doubles; the square of a float32 cannot overflow a double. */
function backward32(src: Float32Array, g: FloatArray, gx: Float32Array): void {
  for (let i = 0; i < src.length; i++) {
    const s = 1 + Math.abs(src[i]);
    gx[i] = g[i] / (s * s); // 0 at ±inf, NaN for NaN
  }
}

/** Float64: (1 + |x|)^-2 as two double-double divisions, about half an ULP. */
function backward64(src: Float64Array, g: FloatArray, gx: Float64Array): void {
  for (let i = 0; i < src.length; i++) {
    const a = Math.abs(src[i]);
    const s = 1 + a;
    const sl = a > 1 ? 1 - (s - a) : a - (s - 1);
    // (1 + |x|)^-2 as two divisions: the square overflows from 1e154 on, the result does not.
    let d: number;
    if (a > 1e290) {
      d = a === Infinity ? 0 : 1 / s / s; // below 1e-580: 0
    } else {
      const r = ddDiv(1, 0, s, sl);
      d = ddDiv(r, DD[1], s, sl);
    }
    gx[i] = g[i] * d;
  }
}
