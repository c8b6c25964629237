// threshold: x where x > threshold, a fixed value elsewhere (torch.nn.functional.threshold).
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';

export const threshold = defineActivation({
  name: 'threshold',
  summary: 'Threshold: keeps inputs above a threshold and replaces the rest by a fixed value.',
  formula: '\\begin{cases} x & x > \\text{threshold} \\\\ \\text{value} & \\text{otherwise} \\end{cases}',
  kind: 'elementwise',
  params: Type.Object(
    {
      threshold: Type.Number({ description: 'Inputs above it pass through (required).' }),
      value: Type.Number({ description: 'Output for inputs at or below the threshold (required).' }),
    },
    { additionalProperties: false },
  ),
  learnable: [],
  hasKink: true,
  // No defaults: monotonic only when value <= threshold.
  properties: {
    monotonic: false,
    smooth: false,
    bounded: false,
    zeroCentred: false,
    range: '(threshold, +inf) ∪ {value}',
  },
  forward(x, params) {
    const th = params.threshold;
    const value = params.value;
    const src = x.data;
    const y = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      y[i] = v <= th ? value : v; // NaN passes through, as in torch
    }
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput, params, kink) {
    const th = params.threshold;
    const src = x.data;
    const g = gradOutput.data;
    const gx = new Float64Array(src.length);
    // torch: 0 at x = threshold (its x <= threshold branch), the left slope; 'right' takes 1.
    const atKink = kink === 'right' ? 1 : 0;
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      gx[i] = v > th ? g[i] : v < th ? 0 : v === th ? g[i] * atKink : v;
    }
    return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
  },
});
