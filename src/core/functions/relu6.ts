// relu6: min(max(0, x), 6), a ReLU capped at 6 (torch.nn.functional.relu6): hardtanh on [0, 6].
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import { outputLike } from '../tensor.js';
import { clampBackward, clampForward } from './hardtanh.js';

export const relu6 = defineActivation({
  name: 'relu6',
  summary: 'ReLU6: a rectifier clipped to [0, 6].',
  formula: '\\min(\\max(0, x), 6)',
  kind: 'elementwise',
  params: Type.Object({}, { additionalProperties: false }),
  learnable: [],
  hasKink: true,
  properties: { monotonic: true, smooth: false, bounded: true, zeroCentred: false, range: '[0, 6]' },
  forward(x, _params, out) {
    const src = x.data;
    const n = src.length;
    const y = outputLike(src, n, out);
    clampForward(src, y, n, 0, 6);
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput, _params, kink, out) {
    const src = x.data;
    const n = src.length;
    const gx = outputLike(src, n, out);
    // torch (hardtanh_backward): 0 at both 0 and 6. One-sided: at 0 left 0, right 1; at 6 left 1, right 0.
    clampBackward(src, gradOutput.data, gx, n, 0, 6, kink === 'right' ? 1 : 0, kink === 'left' ? 1 : 0);
    return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
  },
});
