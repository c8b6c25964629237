// shifted_relu: max(-a, x), the "SReLU" of the source article: a ReLU moved down and left by a.
import { Type } from '@sinclair/typebox';
import { defineActivation } from '../definition.js';
import type { FloatArray } from '../definition.js';
import { outputLike } from '../tensor.js';

export const shiftedRelu = defineActivation({
  name: 'shifted_relu',
  summary: 'Shifted ReLU: max(-a, x), a rectifier whose floor -a is learnt.',
  formula: '\\max(-a, x)',
  kind: 'elementwise',
  params: Type.Object(
    {
      a: Type.Number({ default: 1, description: 'Shift: the output floor is -a (learnable).' }),
    },
    { additionalProperties: false },
  ),
  learnable: ['a'],
  hasKink: true,
  properties: { monotonic: true, smooth: false, bounded: false, zeroCentred: false, range: '[-1, +inf)' },
  forward(x, params, out) {
    const src = x.data;
    const n = src.length;
    const y = outputLike(src, n, out);
    const floor = -params.a;
    if (Number.isFinite(floor)) forwardLoop(src, y, n, floor);
    else forwardCases(src, y, n, floor);
    return { data: y, shape: x.shape };
  },
  backward(x, gradOutput, params, kink, out) {
    const src = x.data;
    const n = src.length;
    const gx = outputLike(src, n, out);
    // At x = -a torch-style (relu(x + a) - a) takes slope 0, as does the left piece; 'right' takes 1.
    // Where the slope in x is 0 the output is the floor -a, so d y/d a = -1 there.
    const sum = backwardLoop(src, gradOutput.data, gx, n, -params.a, kink === 'right' ? 1 : 0);
    return { gradInput: { data: gx, shape: x.shape }, gradParams: { a: -sum } };
  },
});

// Loops as relu.ts describes them.

function forwardLoop(src: FloatArray, y: FloatArray, n: number, floor: number): void {
  // m = [x >= -a] selects exactly (-a finite): one product is exact and the other ±0. ±inf·0 would
  // be NaN, so infinities and NaN take the (predicted) branch. v·0 + floor is the floor as a double
  // (see relu.ts on parameters times masks).
  for (let i = 0; i < n; i++) {
    const v = src[i];
    const m = +(v >= floor);
    y[i] = v - v === 0 ? v * m + (v * 0 + floor) * (1 - m) : v < floor ? floor : v;
  }
}

function forwardCases(src: FloatArray, y: FloatArray, n: number, floor: number): void {
  for (let i = 0; i < n; i++) {
    const v = src[i];
    y[i] = v < floor ? floor : v; // NaN passes through
  }
}

/** Writes g·slope to gx; returns Σ g where the output is the floor (compensated, TwoSum). */
function backwardLoop(src: FloatArray, g: FloatArray, gx: FloatArray, n: number, floor: number, atFloor: number): number {
  let sum = 0;
  let comp = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = src[i];
    const gi = g[i];
    let term: number;
    if (v * 0 + (gi - gi) === 0) {
      const m = +(v > floor) + +(v === floor) * atFloor; // 1 where the slope in x is 1
      gx[i] = gi * m + 0;
      term = gi * (1 - m);
    } else if (v > floor || (v === floor && atFloor === 1)) {
      gx[i] = gi;
      term = 0;
    } else if (v <= floor) {
      gx[i] = 0;
      term = gi;
    } else {
      gx[i] = v; // NaN propagates
      term = v;
    }
    const s = sum + term;
    const b = s - sum;
    comp += sum - (s - b) + (term - b);
    sum = s;
    total = s - s === 0 ? s + comp : s; // an infinite sum has a NaN compensation
  }
  return total;
}
