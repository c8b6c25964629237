// tanhshrink: x - tanh(x), which cancels to x^3/3 near 0; a fitted series takes over there.
import { Type } from '@sinclair/typebox';
import { type FloatArray, defineActivation } from '../definition.js';
import { elementwiseDispatch } from '../elementwise-dispatch.js';
import {
  BLOCK,
  DD,
  SLOW,
  ddAdd,
  ddDiv,
  ddMul,
  expDD,
  expPlain,
  tanhDD,
  tanhshrinkRatio,
  tanhshrinkSmallDD,
} from '../special.js';

export const tanhshrink = defineActivation({
  name: 'tanhshrink',
  summary: 'Tanhshrink: x - tanh(x), near zero (like x^3/3) for small inputs and x -/+ 1 for large ones.',
  formula: 'x - \\tanh(x)',
  kind: 'elementwise',
  params: Type.Object({}, { additionalProperties: false }),
  learnable: [],
  hasKink: false,
  properties: { monotonic: true, smooth: true, bounded: false, zeroCentred: true, range: '(-inf, +inf)' },
  ...elementwiseDispatch(forward32, forward64, backward32, backward64),
});

// Float32 forms in plain doubles: below SMALL, x^3·Q(x^2) (tanhshrinkRatio, 2^-52); above,
// sign(x)·((|x| - 1) + 2q/(1 + q)), q = e^{-2|x|}, whose two terms cancel at most 3-fold (at
// |x| = 0.75). Beyond FAST (q nears the subnormals) and for NaN, ±inf: the double-double forms.
// (The loop shape is described in special.ts: fast form everywhere, slow elements redone.)
const SMALL = 0.75;
const FAST = 320;

/** x - tanh(x) in double-double, for any x. */
function tanhshrinkDD(v: number): number {
  const a = Math.abs(v);
  if (a < SMALL) return tanhshrinkSmallDD(v);
  if (!(a < Infinity)) return v; // ±inf, NaN
  // |x| - tanh|x| = (|x| - 1) + 2q/(1 + q), q = e^{-2|x|}; both parts exact enough in DD.
  const q = expDD(-2 * a, 0);
  const ql = DD[1];
  const s = 1 + q;
  const w = ddDiv(2 * q, 2 * ql, s, 1 - s + q + ql);
  const wl = DD[1];
  const r = ddAdd(a, 0, -1, 0);
  const t = ddAdd(r, DD[1], w, wl);
  return v < 0 ? -t : t;
}

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
        y[i] = v * s * tanhshrinkRatio(s);
      } else {
        const q = expPlain(-2 * a);
        const sign = 2 * Number(v > 0) - 1;
        y[i] = sign * (a - 1 + (2 * q) / (1 + q));
        if (!(a <= FAST)) SLOW[slow++] = i;
      }
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      y[i] = tanhshrinkDD(src[i]);
    }
  }
}

/** Float32: tanh^2 x, tanh from the same forms (x - x^3·Q, or (1 - q)/(1 + q)). */
function backward32(src: Float32Array, g: FloatArray, gx: Float32Array): void {
  const n = src.length;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    let slow = 0;
    for (let i = start; i < end; i++) {
      const v = src[i];
      const a = Math.abs(v);
      let t: number;
      if (a < SMALL) {
        const s = v * v;
        t = v - v * s * tanhshrinkRatio(s);
      } else {
        const q = expPlain(-2 * a);
        t = (1 - q) / (1 + q);
        if (!(a <= FAST)) SLOW[slow++] = i;
      }
      gx[i] = g[i] * (t * t);
    }
    for (let k = 0; k < slow; k++) {
      const i = SLOW[k];
      const t = tanhDD(src[i]);
      gx[i] = g[i] * ddMul(t, DD[1], t, DD[1]);
    }
  }
}

/** Float64: the double-double form for every element. */
function forward64(src: Float64Array, y: Float64Array): void {
  for (let i = 0; i < src.length; i++) y[i] = tanhshrinkDD(src[i]);
}

/** Float64: d/dx (x - tanh x) = tanh^2 x, with no 1 - sech^2 cancellation. */
function backward64(src: Float64Array, g: FloatArray, gx: Float64Array): void {
  for (let i = 0; i < src.length; i++) {
    const t = tanhDD(src[i]);
    gx[i] = g[i] * ddMul(t, DD[1], t, DD[1]);
  }
}
