// hardtanh: x clamped to [min_val, max_val] (torch.nn.functional.hardtanh).
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';

export const hardtanh = defineActivation({
  name: 'hardtanh',
  summary: 'Hard tanh: the identity clamped to [min_val, max_val].',
  formula: '\\min(\\max(\\text{min\\_val}, x), \\text{max\\_val})',
  kind: 'elementwise',
  params: Type.Object(
    {
      min_val: Type.Number({ default: -1, description: 'Lower bound of the output.' }),
      max_val: Type.Number({ default: 1, description: 'Upper bound of the output; must exceed min_val.' }),
    },
    { additionalProperties: false },
  ),
  learnable: [],
  hasKink: true,
  properties: { monotonic: true, smooth: false, bounded: true, zeroCentred: true, range: '[-1, 1]' },
  check(params) {
    if (!(params.min_val < params.max_val)) {
      return `params.max_val (${params.max_val}) must be greater than params.min_val (${params.min_val})`;
    }
    return undefined;
  },
  forward(x, params) {
    const lo = params.min_val;
    const hi = params.max_val;
    const src = x.data;
    const y = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      y[i] = v < lo ? lo : v > hi ? hi : v; // NaN passes through
    }
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput, params, kink) {
    const lo = params.min_val;
    const hi = params.max_val;
    const src = x.data;
    const g = gradOutput.data;
    const gx = new Float64Array(src.length);
    // torch: 0 at both bounds. One-sided: at min_val left 0, right 1; at max_val left 1, right 0.
    const atLo = kink === 'right' ? 1 : 0;
    const atHi = kink === 'left' ? 1 : 0;
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      const gi = g[i];
      gx[i] = v > lo && v < hi ? gi : v < lo || v > hi ? 0 : v === lo ? gi * atLo : v === hi ? gi * atHi : v;
    }
    return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
  },
});
