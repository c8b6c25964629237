// The forward/backward pair of a parameterless elementwise function: only the choice of loop is shared (a loop shared by all functions goes megamorphic in V8).
import type { FloatArray, Gradient, Kink, Tensor } from './definition.js';
import { outputLike } from './tensor.js';

/**
 * The `forward` and `backward` members of a function with no parameters and one loop per element
 * type. Each function keeps its own four loops, so every loop stays monomorphic; only this
 * dispatch, run once per call, is shared.
 */
export function elementwiseDispatch(
  forward32: (src: Float32Array, y: Float32Array) => void,
  forward64: (src: Float64Array, y: Float64Array) => void,
  backward32: (src: Float32Array, g: FloatArray, gx: Float32Array) => void,
  backward64: (src: Float64Array, g: FloatArray, gx: Float64Array) => void,
): {
  forward(x: Tensor, params: unknown, out?: FloatArray): Tensor;
  backward(x: Tensor, gradOutput: Tensor, params: unknown, kink: Kink, out?: FloatArray): Gradient;
} {
  return {
    forward(x, _params, out) {
      const src = x.data;
      const y = outputLike(src, src.length, out);
      if (src instanceof Float32Array) forward32(src, y as Float32Array);
      else forward64(src, y as Float64Array);
      return { data: y, shape: x.shape };
    },
    backward(x, gradOutput, _params, _kink, out) {
      const src = x.data;
      const gx = outputLike(src, src.length, out);
      if (src instanceof Float32Array) backward32(src, gradOutput.data, gx as Float32Array);
      else backward64(src, gradOutput.data, gx as Float64Array);
      return { gradInput: { data: gx, shape: x.shape }, gradParams: {} };
    },
  };
}
