// threshold: x where x > threshold, a fixed value elsewhere (torch.nn.functional.threshold).
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import type { FloatArray } from '../definition.js';
import { outputLike } from '../tensor.js';

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
  forward(x, params, out) {
    const src = x.data;
    const n = src.length;
    const y = outputLike(src, n, out);
    const th = params.threshold;
    const value = params.value;
    if (Number.isFinite(th) && Number.isFinite(value)) forwardLoop(src, y, n, th, value);
    else forwardCases(src, y, n, th, value);
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput, params, kink, out) {
    const src = x.data;
    const n = src.length;
    const gx = outputLike(src, n, out);
    // torch: 0 at x = threshold (its x <= threshold branch), the left slope; 'right' takes 1.
    backwardLoop(src, gradOutput.data, gx, n, params.threshold, kink === 'right' ? 1 : 0);
    return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
  },
});

// Loops as relu.ts describes them.

function forwardLoop(src: FloatArray, y: FloatArray, n: number, th: number, value: number): void {
  // m = [x > threshold] selects exactly between x and value (the other product is ±0; both
  // parameters finite); ±inf·0 would be NaN, so infinities and NaN take the (predicted) branch (NaN
  // passes through, as in torch). v·0 + value is value as a double (see relu.ts on parameters
  // times masks).
  for (let i = 0; i < n; i++) {
    const v = src[i];
    const m = +(v > th);
    y[i] = v - v === 0 ? v * m + (v * 0 + value) * (1 - m) : v <= th ? value : v;
  }
}

function forwardCases(src: FloatArray, y: FloatArray, n: number, th: number, value: number): void {
  for (let i = 0; i < n; i++) {
    const v = src[i];
    y[i] = v <= th ? value : v; // NaN passes through, as in torch
  }
}

function backwardLoop(src: FloatArray, g: FloatArray, gx: FloatArray, n: number, th: number, atKink: number): void {
  for (let i = 0; i < n; i++) {
    const v = src[i];
    const gi = g[i];
    // g·slope with a 0/1 slope; by cases where x or g is not finite (NaN in x propagates, an
    // infinite g times a zero slope is 0).
    gx[i] =
      v * 0 + (gi - gi) === 0
        ? gi * (+(v > th) + +(v === th) * atKink) + 0
        : v > th ? gi : v < th ? 0 : v === th ? gi * atKink : v;
  }
}
