// relu6: min(max(0, x), 6), a ReLU capped at 6 (torch.nn.functional.relu6).
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';

export const relu6 = defineActivation({
  name: 'relu6',
  summary: 'ReLU6: a rectifier clipped to [0, 6].',
  formula: '\\min(\\max(0, x), 6)',
  kind: 'elementwise',
  params: Type.Object({}, { additionalProperties: false }),
  learnable: [],
  hasKink: true,
  properties: { monotonic: true, smooth: false, bounded: true, zeroCentred: false, range: '[0, 6]' },
  forward(x) {
    const src = x.data;
    const y = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      y[i] = v < 0 ? 0 : v > 6 ? 6 : v; // NaN passes through
    }
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput, _params, kink) {
    const src = x.data;
    const g = gradOutput.data;
    const gx = new Float64Array(src.length);
    // torch (hardtanh_backward): 0 at both 0 and 6. One-sided: at 0 left 0, right 1; at 6 left 1, right 0.
    const atZero = kink === 'right' ? 1 : 0;
    const atSix = kink === 'left' ? 1 : 0;
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      const gi = g[i];
      gx[i] = v > 0 && v < 6 ? gi : v < 0 || v > 6 ? 0 : v === 0 ? gi * atZero : v === 6 ? gi * atSix : v;
    }
    return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
  },
});
