// Central differences against every derivative, VJP and learnable-parameter gradient, away from kinks.
//
// For each registry function and each parameter set of its reference fixture, at seeded moderate
// points (|x| <= 6, none within max(1e-3, 2h) of a kink): the derivative of a Richardson-extrapolated
// central difference, D = (4 D(h/2) - D(h)) / 3 with h = 2e-4 * max(1, |x|), must match backward()
// to a relative 1e-6 of the larger of the two (and of the sum of the magnitudes of the terms, for
// sums), plus the rounding noise of the difference quotient, 64 eps max|f| / h. Axis functions are
// checked input by input on the loss sum(grad_output * y). Functions with kinks are also checked at
// each kink with kink = 'left' / 'right' against one-sided differences taken just beside the kink.
import t from 'tap';
import type { ActivationDefinition, Kink, Tensor } from '../../src/core/definition.js';
import { resolveParams } from '../../src/core/params.js';
import { registry } from '../../src/core/registry.js';
import { paramSets } from '../helpers/reference.js';
import { random, seedOf } from '../helpers/random.js';

type Params = Record<string, unknown>;
/** The subtest object tap passes to callbacks (the last overload of t.test takes only the callback). */
type TapTest = Parameters<Parameters<typeof t.test>[0]>[0];
const EPS = 2 ** -52;
const num = (p: Params, k: string): number => p[k] as number;

/** Points where the function or its derivative jumps (softplus: its threshold switch). */
const KINKS: Record<string, (p: Params) => number[]> = {
  relu: () => [0],
  leaky_relu: () => [0],
  prelu: () => [0],
  shifted_relu: (p) => [-num(p, 'a')],
  threshold: (p) => [num(p, 'threshold')],
  relu6: () => [0, 6],
  hardtanh: (p) => [num(p, 'min_val'), num(p, 'max_val')],
  elu: () => [0],
  celu: () => [0],
  selu: () => [0],
  hardsigmoid: () => [-3, 3],
  hardswish: () => [-3, 3],
  softshrink: (p) => [-num(p, 'lambd'), num(p, 'lambd')],
  hardshrink: (p) => [-num(p, 'lambd'), num(p, 'lambd')],
  softplus: (p) => (p.threshold === null ? [] : [num(p, 'threshold') / num(p, 'beta')]),
};

const step = (x: number): number => 2e-4 * Math.max(1, Math.abs(x));

function tensorOf(data: Float64Array, shape: readonly number[]): Tensor {
  return { data, shape: [...shape] };
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function effective(t: TapTest, def: ActivationDefinition, raw: Params, shape: readonly number[]): Params | undefined {
  const r = resolveParams(def, raw, shape);
  if (!r.ok) {
    t.fail(`${def.name} ${JSON.stringify(raw)}: params rejected: ${r.field}: ${r.message}`);
    return undefined;
  }
  return r.params;
}

/** Richardson extrapolation of central differences from f(x+h), f(x-h), f(x+h/2), f(x-h/2). */
function richardson(fp: number, fm: number, fp2: number, fm2: number, h: number): { value: number; noise: number } {
  const d1 = (fp - fm) / (2 * h);
  const d2 = (fp2 - fm2) / h;
  const mag = Math.max(Math.abs(fp), Math.abs(fm), Math.abs(fp2), Math.abs(fm2));
  return { value: (4 * d2 - d1) / 3, noise: (64 * EPS * mag) / h };
}

function centralDiff(f: (d: number) => number, h: number): { value: number; noise: number } {
  return richardson(f(h), f(-h), f(h / 2), f(-h / 2), h);
}

function close(analytic: number, fd: { value: number; noise: number }, scale = 0): boolean {
  const tol = 1e-6 * Math.max(Math.abs(analytic), Math.abs(fd.value), scale) + fd.noise;
  return Math.abs(analytic - fd.value) <= tol;
}

/** Seeded points in [-6, 6] (a third of them in [-1, 1]) away from every kink. */
function points(n: number, kinks: readonly number[], rand: () => number): Float64Array {
  const xs = new Float64Array(n);
  for (let i = 0; i < n; ) {
    const x = (rand() * 2 - 1) * (i % 3 === 0 ? 1 : 6);
    if (kinks.some((k) => Math.abs(x - k) < Math.max(1e-3, 2 * step(x)))) continue;
    xs[i++] = x;
  }
  return xs;
}

function callSafely<T>(t: TapTest, what: string, f: () => T): T | undefined {
  try {
    return f();
  } catch (err) {
    t.fail(`${what} threw: ${(err as Error).message}`);
    return undefined;
  }
}

function elementwise(t: TapTest, def: ActivationDefinition, raw: Params): void {
  const perChannel = Array.isArray(raw.alpha);
  const shape = perChannel ? [2, (raw.alpha as number[]).length, 4] : [48];
  const params = effective(t, def, raw, shape);
  if (!params) return;
  const kinks = KINKS[def.name]?.(params) ?? [];
  const rand = random(seedOf(`${def.name}${JSON.stringify(raw)}`));
  const x = points(sizeOf(shape), kinks, rand);
  const n = x.length;
  const ones = tensorOf(new Float64Array(n).fill(1), shape);
  const grad = callSafely(t, `${def.name} backward`, () => def.backward(tensorOf(x, shape), ones, params as never, 'torch'));
  if (!grad) return;

  // dy/dx: every element moved at once by its own step (each y_i depends on x_i only).
  const shifted = (d: number): Float64Array => {
    const xs = new Float64Array(n);
    for (let i = 0; i < n; i++) xs[i] = x[i] + d * step(x[i]);
    return def.forward(tensorOf(xs, shape), params as never).data as Float64Array;
  };
  const ys = callSafely(t, `${def.name} forward`, () => ({
    p: shifted(1), m: shifted(-1), p2: shifted(0.5), m2: shifted(-0.5),
  }));
  if (!ys) return;
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const fd = richardson(ys.p[i], ys.m[i], ys.p2[i], ys.m2[i], step(x[i]));
    const an = grad.gradInput.data[i];
    if (!close(an, fd) && bad++ < 5) {
      t.fail(`${def.name} ${JSON.stringify(raw)}: derivative at x=${x[i]}: backward ${an}, central difference ${fd.value}`);
    }
  }
  t.equal(bad, 0, `${def.name} ${JSON.stringify(raw)}: derivative matches central differences at ${n} points`);

  // Learnable parameters: d/dp sum(g * y) against the backward's grad_params.
  const g = new Float64Array(n);
  for (let i = 0; i < n; i++) g[i] = rand() * 4 - 2;
  for (const name of def.learnable) {
    const back = callSafely(t, `${def.name} backward`, () =>
      def.backward(tensorOf(x, shape), tensorOf(g, shape), params as never, 'torch'),
    );
    if (!back) return;
    const value = params[name];
    const channels = Array.isArray(value) ? value.length : 1;
    for (let c = 0; c < channels; c++) {
      const p0 = Array.isArray(value) ? (value[c] as number) : (value as number);
      const h = 1e-4 * Math.max(1, Math.abs(p0));
      const withParam = (d: number): Float64Array => {
        const v = Array.isArray(value) ? value.map((a, j) => (j === c ? (a as number) + d : a)) : p0 + d;
        return def.forward(tensorOf(x, shape), { ...params, [name]: v } as never).data as Float64Array;
      };
      const loss = (d: number): number => {
        const y = withParam(d);
        let s = 0;
        for (let i = 0; i < n; i++) s += g[i] * y[i];
        return s;
      };
      const fd = centralDiff(loss, h);
      // Sum of the magnitudes of the terms g_i * dy_i/dp, from per-element differences.
      const yp = withParam(h);
      const ym = withParam(-h);
      let scale = 0;
      for (let i = 0; i < n; i++) scale += Math.abs((g[i] * (yp[i] - ym[i])) / (2 * h));
      const got = back.gradParams[name];
      const an = Array.isArray(got) ? got[c] : got;
      t.ok(
        typeof an === 'number' && close(an, fd, scale),
        `${def.name} ${JSON.stringify(raw)}: grad_params.${name}${channels > 1 ? `[${c}]` : ''} = ${an} ` +
          `matches the central difference ${fd.value}`,
      );
    }
  }

  // One-sided derivatives at the kinks.
  if (def.hasKink) {
    for (const k of kinks) {
      const h = 1e-6 * Math.max(1, Math.abs(k));
      const f = (v: number): number => def.forward(tensorOf(Float64Array.of(v), [1]), params as never).data[0];
      const sides: [Kink, number][] = [
        ['left', (f(k - h) - f(k - 2 * h)) / h],
        ['right', (f(k + 2 * h) - f(k + h)) / h],
      ];
      for (const [kink, fd] of sides) {
        const an = callSafely(t, `${def.name} backward`, () =>
          def.backward(tensorOf(Float64Array.of(k), [1]), tensorOf(Float64Array.of(1), [1]), params as never, kink),
        )?.gradInput.data[0];
        t.ok(
          an !== undefined && Math.abs(an - fd) <= 1e-5 * Math.max(1, Math.abs(fd)),
          `${def.name} ${JSON.stringify(raw)}: kink '${kink}' at x=${k}: backward ${an}, one-sided difference ${fd}`,
        );
      }
    }
  }
}

function axis(t: TapTest, def: ActivationDefinition, raw: Params): void {
  const dim = (raw.dim as number | undefined) ?? -1;
  const shape = dim === 1 ? [2, 4, 3] : dim === 0 ? [4, 3] : [3, 6];
  const params = effective(t, def, raw, shape);
  if (!params) return;
  const rand = random(seedOf(`${def.name}${JSON.stringify(raw)}`));
  const n = sizeOf(shape);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = rand() * 6 - 3;
  const y0 = callSafely(t, `${def.name} forward`, () => def.forward(tensorOf(x, shape), params as never));
  if (!y0) return;
  const m = y0.data.length;
  const g = new Float64Array(m);
  for (let j = 0; j < m; j++) g[j] = rand() * 4 - 2;
  const back = callSafely(t, `${def.name} backward`, () =>
    def.backward(tensorOf(x, shape), tensorOf(g, y0.shape), params as never, 'torch'),
  );
  if (!back) return;
  let bad = 0;
  for (let k = 0; k < n; k++) {
    const h = step(x[k]);
    const moved = (d: number): Float64Array => {
      const xs = Float64Array.from(x);
      xs[k] += d;
      return def.forward(tensorOf(xs, shape), params as never).data as Float64Array;
    };
    const loss = (d: number): number => {
      const y = moved(d);
      let s = 0;
      for (let j = 0; j < m; j++) s += g[j] * y[j];
      return s;
    };
    const fd = centralDiff(loss, h);
    const yp = moved(h);
    const ym = moved(-h);
    let scale = 0;
    for (let j = 0; j < m; j++) scale += Math.abs((g[j] * (yp[j] - ym[j])) / (2 * h));
    const an = back.gradInput.data[k];
    if (!close(an, fd, scale) && bad++ < 5) {
      t.fail(`${def.name} ${JSON.stringify(raw)} shape [${shape}]: grad_input[${k}] = ${an}, central difference ${fd.value}`);
    }
  }
  t.equal(bad, 0, `${def.name} ${JSON.stringify(raw)} shape [${shape}]: VJP matches central differences for all ${n} inputs`);
}

for (const def of registry.all()) {
  t.test(def.name, async (t) => {
    let sets: Params[];
    try {
      sets = paramSets(def.name);
    } catch (err) {
      t.fail((err as Error).message);
      return;
    }
    for (const raw of sets) {
      if (def.kind === 'elementwise') elementwise(t, def, raw);
      else axis(t, def, raw);
    }
  });
}
