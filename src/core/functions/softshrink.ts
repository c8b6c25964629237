// softshrink: moves x towards 0 by lambd and zeroes [-lambd, lambd] (torch.nn.functional.softshrink).
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import type { FloatArray } from '../definition.js';
import { outputLike } from '../tensor.js';

export const softshrink = defineActivation({
  name: 'softshrink',
  summary: 'Soft shrinkage: zero on [-lambd, lambd], and x shifted towards 0 by lambd outside.',
  formula:
    '\\begin{cases} x - \\lambda & x > \\lambda \\\\ x + \\lambda & x < -\\lambda \\\\ 0 & \\text{otherwise} \\end{cases}',
  kind: 'elementwise',
  params: Type.Object(
    {
      lambd: Type.Number({ default: 0.5, minimum: 0, description: 'Half-width of the zero band (>= 0).' }),
    },
    { additionalProperties: false },
  ),
  learnable: [],
  hasKink: true,
  properties: { monotonic: true, smooth: false, bounded: false, zeroCentred: true, range: '(-inf, +inf)' },
  forward(x, params, out) {
    const src = x.data;
    const n = src.length;
    const y = outputLike(src, n, out);
    forwardLoop(src, y, n, params.lambd, params.lambd < 1e300);
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput, params, kink, out) {
    const src = x.data;
    const n = src.length;
    const gx = outputLike(src, n, out);
    // At ±lambd torch takes 0; the left piece has slope 1 only at -lambd (or at 0 when lambd is 0),
    // the right piece only at +lambd.
    shrinkBackward(src, gradOutput.data, gx, n, params.lambd, kink === 'left' ? 1 : 0, kink === 'right' ? 1 : 0);
    return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
  },
});

// Loops as relu.ts describes them.

/** fast: lambd < 1e300, computed by the caller (see relu.ts on code outside loops). */
function forwardLoop(src: FloatArray, y: FloatArray, n: number, lam: number, fast: boolean): void {
  // One rounding each; x - lambd is exact near x = lambd (Sterbenz). The 0/1 masks keep one of
  // x - lambd, x + lambd (or neither: +0); where x ± lambd could overflow (and for ±inf) the
  // (predicted) branch. NaN passes through.
  for (let i = 0; i < n; i++) {
    const v = src[i];
    y[i] =
      fast && Math.abs(v) < 1e300
        ? (v - lam) * +(v > lam) + (v + lam) * +(v < -lam)
        : v > lam ? v - lam : v < -lam ? v + lam : v === v ? 0 : v;
  }
}

/** g·shrink'(x), shared with hardshrink: 1 outside [-lambd, lambd], 0 inside, the kink's choice at ±lambd. */
export function shrinkBackward(
  src: FloatArray,
  g: FloatArray,
  gx: FloatArray,
  n: number,
  lam: number,
  atMinus: number,
  atPlus: number,
): void {
  for (let i = 0; i < n; i++) {
    const v = src[i];
    const gi = g[i];
    if (v * 0 + (gi - gi) === 0) {
      // The slope as a 0/1 number: at most one term is 1 (at 0 when lambd is 0, one of atMinus, atPlus).
      gx[i] = gi * (+(v > lam) + +(v < -lam) + +(v === -lam) * atMinus + +(v === lam) * atPlus) + 0;
    } else if (v > lam || v < -lam) {
      gx[i] = gi;
    } else if (v !== v) {
      gx[i] = v; // NaN propagates
    } else {
      gx[i] = (v === -lam && atMinus === 1) || (v === lam && atPlus === 1) ? gi : 0;
    }
  }
}
