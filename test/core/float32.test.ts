// A float32 answer is the float64 answer rounded once: every registry function, forward and backward.
//
// For each function and each parameter set of its reference fixture, seeded float32 values (a spread
// of ±0, small integers, the kinks, tails out to float32's limits and subnormals, ±inf, NaN,
// moderate and wide random values) run through forward and backward twice: in a Float32Array and in a
// Float64Array holding the same values (grad_output likewise). Every float32 output must equal
// Math.fround of the float64 output, except where the float64 value lies within 2^-40 (relative) of
// a float32 rounding midpoint: there a float32 path that computes its float64 value more cheaply
// (to ~2^-42) may round to either neighbour. Such ties are counted and must stay rare. NaN must come
// out where NaN goes in, in both types; learnable-parameter gradients are plain numbers either way
// and must agree to 1e-12 relative.
import t from 'tap';
import type { ActivationDefinition, FloatArray, Tensor } from '../../src/core/definition.js';
import { resolveParams } from '../../src/core/params.js';
import { registry } from '../../src/core/registry.js';
import { paramSets } from '../helpers/reference.js';
import { random, seedOf } from '../helpers/random.js';

type Params = Record<string, unknown>;
/** The subtest object tap passes to callbacks. */
type TapTest = Parameters<Parameters<typeof t.test>[0]>[0];

const TIE_WINDOW = 2 ** -40;
const F32_MAX = 3.4028234663852886e38;

/** Points where a function's formula changes, so that inputs land on and beside them. */
function kinksOf(p: Params): number[] {
  const out = [0, -3, 3, 6, -1, 1];
  for (const k of ['a', 'threshold', 'min_val', 'max_val', 'lambd']) {
    const v = p[k];
    if (typeof v === 'number') out.push(v, -v);
  }
  return out;
}

const SPECIAL = [
  0, -0, 1, -1, 0.5, -0.5, 2, -2, 10, -10, 20, -20, 40, -40, 88, -88, 104, -104, 200, -200, 1e4, -1e4, 1e10, -1e10,
  1e30, -1e30, F32_MAX, -F32_MAX, 1e-7, -1e-7, 1e-30, -1e-30, 1.2e-38, -1.2e-38, 1e-40, -1e-40, 1e-45, -1e-45,
  Infinity, -Infinity, NaN,
];

/** n float32 values: the specials, each kink and its float32 neighbours, moderate and wide random ones. */
function inputs(n: number, kinks: readonly number[], rand: () => number): number[] {
  const out: number[] = [];
  for (const v of SPECIAL) out.push(Math.fround(v));
  for (const k of kinks) {
    const f = Math.fround(k);
    out.push(f, Math.fround(f + Math.abs(f) * 2 ** -23 + 1e-45), Math.fround(f - Math.abs(f) * 2 ** -23 - 1e-45));
  }
  while (out.length < n) {
    const u = rand();
    const v = u < 0.6 ? rand() * 16 - 8 : (rand() < 0.5 ? -1 : 1) * 10 ** (rand() * 16 - 8);
    out.push(Math.fround(v));
  }
  // Shuffled, so that every row of an axis function mixes kinds of values.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out.slice(0, n);
}

function shapeFor(def: ActivationDefinition, p: Params): number[] {
  if (def.kind === 'elementwise') return Array.isArray(p.alpha) ? [8, p.alpha.length, 80] : [2000];
  const dim = (p.dim as number | undefined) ?? -1;
  return dim === 1 ? [8, 12, 20] : dim === 0 ? [12, 160] : [160, 12];
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** The float32 next to f (a float32 value) towards +inf (dir 1) or -inf (dir -1). */
function step32(f: number, dir: 1 | -1): number {
  if (f === 0) return dir * 2 ** -149;
  F32[0] = f;
  U32[0] += (f > 0) === (dir > 0) ? 1 : -1;
  return F32[0];
}

/** Whether v lies within TIE_WINDOW (relative) of the midpoint between two adjacent float32 values. */
function nearMidpoint(v: number): boolean {
  const r = Math.fround(v);
  if (r === v || !Number.isFinite(r)) return false;
  const other = step32(r, r < v ? 1 : -1);
  if (!Number.isFinite(other)) return false;
  return Math.abs(v - (r + other) / 2) <= TIE_WINDOW * Math.abs(v);
}

interface Tally {
  compared: number;
  ties: number;
  mismatches: string[];
}

/** Compares a float32 output with its float64 twin, element by element. */
function compare(tally: Tally, what: string, got32: ArrayLike<number>, got64: ArrayLike<number>, x: ArrayLike<number>): void {
  if (got32.length !== got64.length) {
    tally.mismatches.push(`${what}: ${got32.length} float32 values, ${got64.length} float64 values`);
    return;
  }
  for (let i = 0; i < got64.length; i++) {
    const a = got32[i];
    const b = got64[i];
    tally.compared++;
    if (Number.isNaN(a) || Number.isNaN(b)) {
      if (Number.isNaN(a) !== Number.isNaN(b)) tally.mismatches.push(`${what}[${i}] (x ${x[i]}): float32 ${a}, float64 ${b}`);
      continue;
    }
    if (a === Math.fround(b)) continue;
    if (nearMidpoint(b) && (a === Math.fround(b) || a === step32(Math.fround(b), Math.fround(b) < b ? 1 : -1))) {
      tally.ties++;
      continue;
    }
    tally.mismatches.push(`${what}[${i}] (x ${x[i]}): float32 ${a}, float64 ${b} rounds to ${Math.fround(b)}`);
  }
}

function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return a === b || Math.abs(a - b) <= 1e-12 * Math.abs(b);
}

const tensorOf = (data: FloatArray, shape: readonly number[]): Tensor => ({ data, shape: [...shape] });

function check(t: TapTest, def: ActivationDefinition, raw: Params, tally: Tally): void {
  const shape = shapeFor(def, raw);
  const resolved = resolveParams(def, raw, shape);
  if (!resolved.ok) {
    t.fail(`${def.name} ${JSON.stringify(raw)}: params rejected: ${resolved.field}: ${resolved.message}`);
    return;
  }
  const params = resolved.params as never;
  const n = shape.reduce((a, b) => a * b, 1);
  const rand = random(seedOf(`${def.name}${JSON.stringify(raw)}`));
  const xs = inputs(n, kinksOf(resolved.params), rand);
  const x32 = tensorOf(Float32Array.from(xs), shape);
  const x64 = tensorOf(Float64Array.from(xs), shape);
  const where = `${def.name} ${JSON.stringify(raw)}`;

  const y32 = def.forward(x32, params);
  const y64 = def.forward(x64, params);
  t.ok(y32.data instanceof Float32Array, `${where}: float32 in, float32 out`);
  t.ok(y64.data instanceof Float64Array, `${where}: float64 in, float64 out`);
  t.same(y32.shape, y64.shape, `${where}: the same output shape`);
  compare(tally, `${where} forward`, y32.data, y64.data, xs);

  const m = y64.data.length;
  const gs: number[] = [];
  for (let i = 0; i < m; i++) gs.push(Math.fround(i % 41 === 0 ? [0, -0, 1e-30, 1e20][(i / 41) % 4] : rand() * 4 - 2));
  for (const kink of def.hasKink ? (['torch', 'left', 'right'] as const) : (['torch'] as const)) {
    const b32 = def.backward(x32, tensorOf(Float32Array.from(gs), y64.shape), params, kink);
    const b64 = def.backward(x64, tensorOf(Float64Array.from(gs), y64.shape), params, kink);
    t.ok(b32.gradInput.data instanceof Float32Array, `${where} ${kink}: float32 gradient for float32 input`);
    compare(tally, `${where} ${kink} grad_input`, b32.gradInput.data, b64.gradInput.data, xs);
    for (const name of def.learnable) {
      const a = b32.gradParams[name];
      const b = b64.gradParams[name];
      const as = Array.isArray(a) ? a : [a];
      const bs = Array.isArray(b) ? b : [b];
      t.ok(
        as.length === bs.length && as.every((v, i) => close(v, bs[i])),
        `${where} ${kink}: grad_params.${name} ${JSON.stringify(a)} agrees with float64's ${JSON.stringify(b)} to 1e-12`,
      );
    }
  }
}

/** NaN in, NaN out, in both element types (rows holding a NaN for the axis functions, except glu). */
function checkNaN(t: TapTest, def: ActivationDefinition): void {
  const raw = paramSets(def.name)[0];
  const shape = def.kind === 'elementwise' ? [4] : [2, 4];
  const resolved = resolveParams(def, raw, shape);
  if (!resolved.ok) {
    t.fail(`${def.name}: params rejected: ${resolved.message}`);
    return;
  }
  const params = resolved.params as never;
  for (const Type of [Float32Array, Float64Array]) {
    // glu pairs x[j] with the gate x[j + 2]: a NaN at index 1 reaches output 1 of the first row.
    const x = tensorOf(Type.from([0.5, NaN, -1.5, 2, 1, -2, 0.25, 3]).subarray(0, shape.reduce((a, b) => a * b, 1)), shape);
    const y = def.forward(x, params);
    const nanOut = def.kind === 'elementwise' || def.name === 'glu' ? [1] : def.kind === 'reduction' ? [0] : [0, 1, 2, 3];
    t.ok(nanOut.every((i) => Number.isNaN(y.data[i])), `${def.name} ${Type.name}: NaN propagates forward`);
    if (def.kind === 'elementwise') {
      const g = def.backward(x, tensorOf(new Type(4).fill(1), shape), params, 'torch');
      t.ok(Number.isNaN(g.gradInput.data[1]), `${def.name} ${Type.name}: NaN propagates backward`);
    }
  }
}

const totals: Tally = { compared: 0, ties: 0, mismatches: [] };

for (const def of registry.all()) {
  t.test(def.name, async (t) => {
    const tally: Tally = { compared: 0, ties: 0, mismatches: [] };
    for (const raw of paramSets(def.name)) check(t, def, raw, tally);
    t.same(tally.mismatches.slice(0, 5), [], `${def.name}: ${tally.mismatches.length} float32 outputs differ from the float64 outputs rounded once`);
    // A tie needs the float64 value within 2^-40 of a midpoint: about one value in 2^16 by chance.
    t.ok(tally.ties <= Math.max(2, tally.compared / 1000), `${def.name}: ${tally.ties} ties of ${tally.compared} values`);
    t.comment(`${def.name}: ${tally.compared} values compared, ${tally.ties} ties`);
    totals.compared += tally.compared;
    totals.ties += tally.ties;
    checkNaN(t, def);
  });
}

t.teardown(() => {
  console.log(`# float32: ${totals.compared} values compared, ${totals.ties} within 2^-40 of a float32 midpoint`);
});
