// Runs one catalogue function over its reference fixture and measures every output in ULPs.
import type { ActivationDefinition, Tensor } from '../../src/core/definition.js';
import { resolveParams } from '../../src/core/params.js';
import { axisLayout, normalizeDim } from '../../src/core/tensor.js';
import type { ReferenceCase } from './reference.js';
import { type Ref, formatUlp, ulpError } from './ulp.js';

export type Quantity = 'forward' | 'derivative' | 'vjp' | 'params';
export const QUANTITIES: readonly Quantity[] = ['forward', 'derivative', 'vjp', 'params'];

/** The bounds in ULPs (see ACCURACY_RULES). */
export const BOUNDS = {
  elementwise: { forward: 2, derivative: 2, vjp: 2.5, params: 8 },
  axis: { forward: 8, derivative: 8, vjp: 8, params: 8 },
} as const;

/** The rules, as the test header and docs/ACCURACY.md state them. */
export const ACCURACY_RULES = `\
- ULP error = |got - ref| / ulp(ref), where ref = hi + lo is the 50-digit mpmath value carried as two
  doubles and ulp(v) is the spacing of the doubles at |v| (2^-1074 for zero and subnormals; the
  spacing of the lower binade when ref lies just below a power of two). +0 and -0 are equal.
  A non-finite reference must be matched exactly; any other non-finite result is an infinite error.
- Elementwise functions: forward and derivative (the gradient for grad_output = 1) within 2 ULP;
  the VJP for a random grad_output within 2.5 ULP (the product adds at most half an ULP; a
  derivative 2 ULP off can be worth up to 4 ULP of the product when the two significands sit at
  opposite ends of their binades, so 2.5 presumes derivatives nearer 1 ULP).
- Axis functions (softmax, log_softmax, softmin, glu) and the logsumexp reduction: within 8 ULP.
  Where the exact value is a sum, the ULP is taken at the sum of the magnitudes of its terms,
  S = max(|ref|, sum |term|), i.e. error = |got - ref| / ulp(S). The terms, all exact values of the row
  (m = the row maximum, d_i = x_i - m, L = log(sum_j e^(d_j)), p = softmax of the row, g = grad_output):
  logsumexp forward m + L: S = |m| + |L| (with_zero: the implicit 0 is part of the row);
  log_softmax forward d_i - L: S = |d_i| + |L|;
  softmax VJP p_i (g_i - sum_j g_j p_j) and softmin (the same with p = softmax(-x)): S = p_i (|g_i| + sum_j |g_j| p_j);
  log_softmax VJP g_i - p_i sum_j g_j: S = |g_i| + p_i sum_j |g_j|.
  softmax/softmin/glu forward, the logsumexp VJP (g p_i) and the glu VJP (g sigma(b), g a sigma(b) sigma(-b)) are
  products, held to 8 ULP of the value itself.
- Learnable-parameter gradients (sums over the batch of grad_output * dy/dparam): within 8 ULP of
  S = sum |grad_output * dy/dparam| (grad_params_scale in the fixture), per channel for prelu.
- Cases labelled derivative-roots (the doubles nearest a root of f', where the derivative cancels)
  are measured and reported but not enforced.`;

export interface Violation {
  readonly index: number;
  readonly ulp: number;
  readonly message: string;
}

export interface QuantityResult {
  readonly quantity: Quantity;
  readonly bound: number;
  /** Worst ULP error over the case (0 when there was nothing to compare). */
  worst: number;
  worstAt: string;
  readonly violations: Violation[];
  compared: number;
}

export interface CaseResult {
  readonly label: string;
  readonly params: Record<string, unknown>;
  /** Set when the case could not be measured (params rejected, a kernel threw, wrong shape). */
  readonly errors: string[];
  readonly quantities: QuantityResult[];
}

const MAX_VIOLATIONS = 5;

function describeParams(p: Record<string, unknown>): string {
  return JSON.stringify(p);
}

function fmt(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/** Measures one function on one fixture case. Never throws: problems go into `errors`. */
export function measureCase(def: ActivationDefinition, c: ReferenceCase): CaseResult {
  const elementwise = def.kind === 'elementwise';
  const bounds = elementwise ? BOUNDS.elementwise : BOUNDS.axis;
  const result: CaseResult = { label: c.label, params: c.params, errors: [], quantities: [] };
  const where = `${def.name} case ${c.label} params ${describeParams(c.params)}`;

  const resolved = resolveParams(def, c.params, c.shape);
  if (!resolved.ok) {
    result.errors.push(`${where}: params rejected: ${resolved.field}: ${resolved.message}`);
    return result;
  }
  const params = resolved.params as never;
  const x: Tensor = { data: Float64Array.from(c.x), shape: [...c.shape] };

  const describeX = (quantity: Quantity, i: number): string => {
    // Input-shaped outputs sit at the input's index; reduced or halved outputs name their row.
    if (quantity !== 'forward' || (c.yShape.length === c.shape.length && c.y.length === c.x.length)) {
      return `x=${fmt(c.x[i])}`;
    }
    return `row=${JSON.stringify(rowOf(def, c, i).map(fmt))}`;
  };

  const compare = (
    quantity: Quantity,
    got: ArrayLike<number>,
    refs: readonly Ref[],
    scales: readonly number[] | undefined,
    labels?: readonly string[],
  ): void => {
    const q: QuantityResult = { quantity, bound: bounds[quantity], worst: 0, worstAt: '', violations: [], compared: 0 };
    result.quantities.push(q);
    if (got.length !== refs.length) {
      result.errors.push(`${where}: ${quantity} has ${got.length} values, expected ${refs.length}`);
      q.worst = Number.POSITIVE_INFINITY;
      return;
    }
    for (let i = 0; i < refs.length; i++) {
      const u = ulpError(got[i], refs[i], scales?.[i] ?? 0);
      q.compared++;
      const detail =
        `${where}: ${labels ? labels[i] : `${quantity}[${i}] ${describeX(quantity, i)}`} got=${fmt(got[i])} ` +
        `expected=${fmt(refs[i].hi)} (lo ${fmt(refs[i].lo)})${scales ? ` scale=${scales[i]}` : ''} ` +
        `error=${formatUlp(u)} ULP (bound ${q.bound})`;
      if (!(u <= q.worst)) {
        q.worst = u;
        q.worstAt = detail;
      }
      if (!(u <= q.bound) && q.violations.length < MAX_VIOLATIONS) q.violations.push({ index: i, ulp: u, message: detail });
    }
  };

  // Forward.
  try {
    const y = def.forward(x, params);
    if (!sameShape(y.shape, c.yShape)) {
      result.errors.push(`${where}: forward returned shape [${y.shape}], expected [${c.yShape}]`);
    } else {
      compare('forward', y.data, c.y, c.yScale);
    }
  } catch (err) {
    result.errors.push(`${where}: forward threw: ${(err as Error).message}`);
  }

  // Derivative: the VJP of a grad_output of ones (elementwise only).
  if (elementwise && c.derivative) {
    try {
      const ones: Tensor = { data: new Float64Array(c.y.length).fill(1), shape: [...c.yShape] };
      const g = def.backward(x, ones, params, c.kink);
      compare('derivative', g.gradInput.data, c.derivative, undefined);
    } catch (err) {
      result.errors.push(`${where}: backward (grad_output = 1) threw: ${(err as Error).message}`);
    }
  }

  // VJP and parameter gradients for the random grad_output.
  try {
    const go: Tensor = { data: Float64Array.from(c.gradOutput), shape: [...c.yShape] };
    const g = def.backward(x, go, params, c.kink);
    compare('vjp', g.gradInput.data, c.gradInput, c.gradInputScale);
    const expectedNames = Object.keys(c.gradParams).sort();
    const gotNames = Object.keys(g.gradParams).sort();
    if (JSON.stringify(expectedNames) !== JSON.stringify(gotNames)) {
      result.errors.push(`${where}: grad_params has [${gotNames}], expected [${expectedNames}]`);
    }
    if (expectedNames.length > 0) {
      const got: number[] = [];
      const refs: Ref[] = [];
      const scales: number[] = [];
      const labels: string[] = [];
      for (const name of expectedNames) {
        const ref = c.gradParams[name];
        const scale = c.gradParamsScale[name];
        const value = g.gradParams[name];
        if (Array.isArray(ref)) {
          if (!Array.isArray(value) || value.length !== ref.length) {
            result.errors.push(`${where}: grad_params.${name} should have ${ref.length} values, got ${JSON.stringify(value)}`);
            continue;
          }
          got.push(...value);
          refs.push(...ref);
          scales.push(...(scale as number[]));
          labels.push(...ref.map((_, k) => `grad_params.${name}[${k}]`));
        } else {
          if (typeof value !== 'number') {
            result.errors.push(`${where}: grad_params.${name} should be a number, got ${JSON.stringify(value)}`);
            continue;
          }
          got.push(value);
          refs.push(ref);
          scales.push(scale as number);
          labels.push(`grad_params.${name}`);
        }
      }
      compare('params', got, refs, scales, labels);
    }
  } catch (err) {
    result.errors.push(`${where}: backward threw: ${(err as Error).message}`);
  }
  return result;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The input values an output of a reduction (logsumexp) or of glu depends on. */
function rowOf(def: ActivationDefinition, c: ReferenceCase, outIndex: number): number[] {
  const dim = normalizeDim(Number((c.params as { dim?: number }).dim ?? -1), c.shape.length) ?? 0;
  const { outer, length, inner } = axisLayout(c.shape, dim);
  const outLength = def.name === 'glu' ? length / 2 : 1;
  const o = Math.floor(outIndex / (outLength * inner));
  const i = outIndex % inner;
  const k = Math.floor(outIndex / inner) % outLength;
  if (o >= outer) return [];
  if (def.name === 'glu') {
    return [c.x[o * length * inner + k * inner + i], c.x[o * length * inner + (k + length / 2) * inner + i]];
  }
  const row: number[] = [];
  for (let j = 0; j < length; j++) row.push(c.x[o * length * inner + j * inner + i]);
  return row;
}

export interface Summary {
  /** Worst ULP per quantity over the enforced cases (undefined: nothing of that kind). */
  worst: Partial<Record<Quantity, number>>;
  errors: string[];
  withinBounds: boolean;
}

export function summarize(results: readonly CaseResult[]): Summary {
  const s: Summary = { worst: {}, errors: [], withinBounds: true };
  for (const r of results) {
    s.errors.push(...r.errors);
    if (r.errors.length > 0) s.withinBounds = false;
    for (const q of r.quantities) {
      s.worst[q.quantity] = Math.max(s.worst[q.quantity] ?? 0, q.worst);
      if (!(q.worst <= q.bound)) s.withinBounds = false;
    }
  }
  return s;
}
