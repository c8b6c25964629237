// selu: scale·elu(x, alpha) with the self-normalising constants, torch's float64 values.
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import { scaledExp } from './elu.js';

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
  forward(x) {
    const src = x.data;
    const y = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      y[i] = v > 0 ? SCALE * v : SCALE_ALPHA * Math.expm1(v); // NaN passes through
    }
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput) {
    const src = x.data;
    const g = gradOutput.data;
    const gx = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      // torch: scale·alpha at 0 (its x <= 0 branch).
      gx[i] = g[i] * (v > 0 ? SCALE : scaledExp(SCALE_ALPHA, v)); // NaN propagates
    }
    return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
  },
});
