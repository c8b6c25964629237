// selu: scale·elu(x, alpha) with the self-normalising constants, torch's float64 values.
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import type { FloatArray } from '../definition.js';
import { outputLike } from '../tensor.js';
import { negExp, negExpm1, scaledExp } from './elu.js';

// torch's scale = 1.0507009873554804934193349852946 and alpha = 1.6732632423543772848170429916717,
// as the nearest doubles. scale·alpha = 1.7580993408473768599402175208123 is rounded once from the
// exact product (SCALE * ALPHA would round twice).
const SCALE = 1.0507009873554805;
const SCALE_ALPHA = 1.7580993408473768;

export const selu = defineActivation({
  name: 'selu',
  summary: 'Scaled ELU: scale·elu(x, alpha) with the self-normalising constants of Klambauer et al.',
  formula:
    '\\lambda \\begin{cases} x & x > 0 \\\\ \\alpha \\left(e^{x} - 1\\right) & x \\le 0 \\end{cases},\\quad ' +
    '\\lambda = 1.0507009873554804934\\ldots,\\ \\alpha = 1.6732632423543772848\\ldots',
  kind: 'elementwise',
  params: Type.Object({}, { additionalProperties: false }),
  learnable: [],
  hasKink: false,
  // The slope jumps from scale·alpha to scale at 0, so it is not smooth; torch uses the left value.
  properties: {
    monotonic: true,
    smooth: false,
    bounded: false,
    zeroCentred: false,
    range: '(-1.7580993408473769, +inf)',
  },
  forward(x, _params, out) {
    const src = x.data;
    const n = src.length;
    if (src instanceof Float32Array) {
      const y = outputLike(src, n, out) as Float32Array;
      forwardFloat32(src, y, n);
      return { data: y, shape: x.shape };
    }
    const y = outputLike(src, n, out);
    forwardExact(src, y, n);
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput, _params, _kink, out) {
    const src = x.data;
    const g = gradOutput.data;
    const n = src.length;
    // torch: scale·alpha at 0 (its x <= 0 branch).
    if (src instanceof Float32Array && g instanceof Float32Array) {
      const gx = outputLike(src, n, out) as Float32Array;
      backwardFloat32(src, g, gx, n);
      return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
    }
    const gx = outputLike(src, n, out);
    backwardExact(src, g, gx, n);
    return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
  },
});

// Loops as elu.ts describes them: the exact ones branch on the sign around Math.expm1, the float32
// ones take the cheap exponential of min(x, 0) for every element and select with 0/1 masks.

function forwardExact(src: FloatArray, y: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = src[i];
    y[i] = v > 0 ? SCALE * v : SCALE_ALPHA * Math.expm1(v); // NaN passes through
  }
}

function forwardFloat32(src: Float32Array, y: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = src[i];
    if (v - v === 0) {
      const m = +(v > 0);
      y[i] = SCALE * v * m + SCALE_ALPHA * negExpm1(v * (1 - m)) * (1 - m); // of min(x, 0): 0 for x > 0
    } else {
      y[i] = v > 0 ? v : v === v ? -SCALE_ALPHA : v; // ±inf, NaN
    }
  }
}

function backwardExact(src: FloatArray, g: FloatArray, gx: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = src[i];
    gx[i] = g[i] * (v > 0 ? SCALE : scaledExp(SCALE_ALPHA, v)); // NaN propagates
  }
}

function backwardFloat32(src: Float32Array, g: Float32Array, gx: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = src[i];
    if (v - v === 0) {
      const m = +(v > 0);
      gx[i] = g[i] * (SCALE * m + SCALE_ALPHA * negExp(v * (1 - m)) * (1 - m));
    } else {
      gx[i] = g[i] * (v > 0 ? SCALE : scaledExp(SCALE_ALPHA, v)); // ±inf, NaN
    }
  }
}
