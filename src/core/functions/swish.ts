// swish: x·σ(βx) with a learnable beta; silu is beta = 1.
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import {
  DD,
  ddDiv,
  ddMul,
  ddMulD,
  expReduced,
  exponentOf,
  mulExp,
  productLo,
  scale2,
  scale2DD,
  sigmoidDD,
  siluPrime,
  twoProductLo,
} from '../special.js';

const HUGE = 1e290; // beyond this a product's split would overflow

export const swish = defineActivation({
  name: 'swish',
  summary: 'Swish: x·σ(beta·x) with a learnable beta; silu for beta = 1, relu as beta -> inf, x/2 at beta = 0.',
  formula: 'x \\, \\sigma(\\beta x) = \\frac{x}{1 + e^{-\\beta x}}',
  kind: 'elementwise',
  params: Type.Object(
    {
      beta: Type.Number({ default: 1, description: 'Sharpness of the sigmoid gate (learnable; 1 gives silu).' }),
    },
    { additionalProperties: false },
  ),
  learnable: ['beta'],
  hasKink: false,
  // With beta = 1 (silu): minimum -W(1/e) = -0.278464542761074.
  properties: { monotonic: false, smooth: true, bounded: false, zeroCentred: false, range: '[-0.278464542761074, +inf)' },
  forward(x, params) {
    const beta = params.beta;
    const src = x.data;
    const y = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      const z = beta * v;
      if (!(Math.abs(v) < Infinity) || beta === 0) {
        y[i] = limit(v, beta);
        continue;
      }
      const zl = productLo(beta, v, z);
      if (z < -700) {
        y[i] = mulExp(v, 0, z, zl); // x·e^z: σ(z) alone would be subnormal
      } else if (z > 750) {
        y[i] = v;
      } else {
        const s = sigmoidDD(z, zl);
        y[i] = Math.abs(v) < HUGE ? ddMulD(s, DD[1], v) : v * s;
      }
    }
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput, params) {
    const beta = params.beta;
    const src = x.data;
    const g = gradOutput.data;
    const gx = new Float64Array(src.length);
    // d(loss)/d(beta), summed with Neumaier's compensation.
    let sum = 0;
    let comp = 0;
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      const z = beta * v;
      let dx: number;
      let db: number;
      if (beta === 0) {
        // x/2: d/dx = 1/2, d/dbeta = x^2/4.
        dx = v === v ? 0.5 : v;
        db = (v * v) / 4;
      } else if (!(Math.abs(v) < Infinity)) {
        dx = v !== v ? v : z > 0 ? 1 : -0;
        db = v !== v ? v : 0;
      } else {
        const zl = productLo(beta, v, z);
        // d/dx x σ(βx) = σ(z) + z σ(z)σ(-z) = silu'(z), z = βx.
        dx = siluPrime(z, zl);
        db = betaGrad(v, z, zl);
      }
      gx[i] = g[i] * dx;
      const term = g[i] * db;
      const t = sum + term;
      if (t - t === 0) comp += Math.abs(sum) >= Math.abs(term) ? sum - t + term : term - t + sum;
      sum = t;
    }
    return { gradInput: { data: gx, shape: x.shape }, gradParams: { beta: sum + comp } };
  },
});

/** x·σ(βx) for x = ±inf or beta = 0. */
function limit(v: number, beta: number): number {
  if (beta === 0 || v !== v) return v / 2;
  if (beta * v > 0) return v;
  return v > 0 ? 0 : -0; // the gate closes: x·e^{βx} -> ±0 with the sign of x
}

/**
 * d/dbeta x σ(βx) = x^2 σ(z)σ(-z) for finite x, z = βx = zh + zl. Computed as
 * mx^2 · q/(1 + q)^2 · 2^(2k) with x = mx·2^k and q = e^{-|z|} kept as a mantissa and a power of
 * two, so that x^2 may overflow and q underflow while their product is a normal number.
 */
function betaGrad(v: number, zh: number, zl: number): number {
  if (v === 0 || Math.abs(zh) > 1e5) return 0; // x^2 <= 2^2048, e^{-|z|} < 2^-144000
  const k = exponentOf(v);
  const mx = scale2(v, -k);
  const m2 = mx * mx;
  const m2l = twoProductLo(mx, mx, m2);
  const n = zh < 0 ? expReduced(zh, zl) : expReduced(-zh, -zl);
  const qh = DD[0];
  const ql = DD[1];
  const num = ddMul(m2, m2l, qh, ql);
  const numl = DD[1];
  let den = 1;
  let denl = 0;
  if (n > -64) {
    // (1 + q)^2 with q = (qh + ql)·2^n <= 1
    const sh = scale2(qh, n);
    const sl = scale2(ql, n);
    const s = 1 + sh;
    const e = 1 - s + sh + sl;
    den = ddMul(s, e, s, e);
    denl = DD[1];
  }
  const r = ddDiv(num, numl, den, denl);
  return scale2DD(r, DD[1], 2 * k + n);
}
