// The shape of one catalogue entry: forward, vector-Jacobian product, parameter gradients, metadata.
import type { Static, TObject } from '@sinclair/typebox';

/** elementwise: y has x's shape; axis: y has x's shape, each value depends on its row along `dim`;
 *  reduction: y drops (or keeps as 1) the axis. glu is 'axis' with a halved output axis. */
export type Kind = 'elementwise' | 'axis' | 'reduction';

/** Which derivative to use exactly at a kink point: PyTorch's choice, or a one-sided limit. */
export type Kink = 'torch' | 'left' | 'right';
export const KINKS: readonly Kink[] = ['torch', 'left', 'right'];

/** The element types a tensor may have: the binary transport's float32 and float64. */
export type FloatArray = Float32Array | Float64Array;
export type Dtype = 'float32' | 'float64';

/**
 * A dense row-major tensor. Rank 0 (a scalar) has shape [] and one element. Kernels compute in
 * float64 whatever the element type and round once when they store into a Float32Array.
 */
export interface Tensor {
  readonly data: FloatArray;
  readonly shape: readonly number[];
}

export interface Properties {
  monotonic: boolean;
  smooth: boolean;
  bounded: boolean;
  zeroCentred: boolean;
  /** Output range with the default parameters, interval notation, e.g. "[0, +inf)". */
  range: string;
}

/** Parameter values after defaults are filled in, as echoed in answers. */
export type ParamValues = Record<string, unknown>;

/** d(loss)/d(param) for each learnable parameter: a number, or one per channel (prelu). */
export type ParamGrads = Record<string, number | number[]>;

export interface Gradient {
  gradInput: Tensor;
  gradParams: ParamGrads;
}

export interface ActivationDefinition<S extends TObject = TObject> {
  /** URL segment, registry key, file name and test name. */
  readonly name: string;
  readonly summary: string;
  /** LaTeX of the forward function with the parameter names used in `params`. */
  readonly formula: string;
  readonly kind: Kind;
  /** JSON Schema (TypeBox) of the params object: defaults, ranges, additionalProperties: false. */
  readonly params: S;
  /** Names of the parameters that have gradients in `grad_params`. */
  readonly learnable: readonly string[];
  /** True when the function has kink points, so gradient requests accept `kink`. */
  readonly hasKink: boolean;
  readonly properties: Properties;
  /**
   * Checks that need both params and the input shape (prelu channel count, dim in range, glu's even
   * axis, hardtanh's min_val < max_val). Returns a message naming the field, or undefined when fine.
   * Params have already passed the schema with defaults filled in.
   */
  check?(params: Static<S>, shape: readonly number[]): string | undefined;
  /** Output shape; defaults to the input's shape. */
  outputShape?(shape: readonly number[], params: Static<S>): number[];
  /**
   * The output has x's element type. When `out` is given (the output's length, x's element type)
   * the result is written there, so callers can reuse buffers or hand each worker a slice; a kernel
   * never reads back from `out` (a Float32Array store has already rounded).
   */
  forward(x: Tensor, params: Static<S>, out?: FloatArray): Tensor;
  /** Vector-Jacobian product: gradOutput has the output's shape; `out` receives grad_input. */
  backward(x: Tensor, gradOutput: Tensor, params: Static<S>, kink: Kink, out?: FloatArray): Gradient;
}

/** Identity helper that keeps the params type of a definition literal. */
export function defineActivation<S extends TObject>(def: ActivationDefinition<S>): ActivationDefinition<S> {
  return def;
}
