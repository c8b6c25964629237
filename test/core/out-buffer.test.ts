// Every registry function writes into a caller's `out` exactly what it would allocate, and nothing else.
//
// The pool hands each worker a slice of one output buffer, so for each function, each parameter set
// of its reference fixture and both element types, forward and backward run three ways: allocating,
// into a fresh buffer of the output's length, and into a subarray view at an offset inside a larger
// buffer. The bytes must be the same every time (NaN payloads and the signs of zeros included), the
// answer must be the buffer passed in, and the elements around the view must keep their sentinel.
// Prefilling with two different sentinels also shows that no kernel reads `out` before writing it.
import t from 'tap';
import type { ActivationDefinition, FloatArray, Tensor } from '../../src/core/definition.js';
import { resolveParams } from '../../src/core/params.js';
import { registry } from '../../src/core/registry.js';
import { paramSets } from '../helpers/reference.js';
import { random } from '../helpers/random.js';

type Params = Record<string, unknown>;
/** The subtest object tap passes to callbacks. */
type TapTest = Parameters<Parameters<typeof t.test>[0]>[0];
type FloatArrayConstructor = typeof Float32Array | typeof Float64Array;

const SENTINELS = [-7.25, NaN];
const PAD = 5;

function shapeFor(def: ActivationDefinition, p: Params): number[] {
  if (def.kind === 'elementwise') return Array.isArray(p.alpha) ? [3, p.alpha.length, 7] : [5, 13];
  const dim = (p.dim as number | undefined) ?? -1;
  return dim === 1 ? [3, 6, 5] : dim === 0 ? [6, 9] : [9, 6];
}

const bytes = (a: FloatArray): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function sameBytes(a: FloatArray, b: FloatArray): boolean {
  const x = bytes(a);
  const y = bytes(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Runs `kernel` into a fresh buffer and into a view at an offset; compares with the allocating run. */
function checkOut(
  t: TapTest,
  what: string,
  Type: FloatArrayConstructor,
  reference: FloatArray,
  kernel: (out: FloatArray) => FloatArray,
): void {
  const n = reference.length;
  for (const sentinel of SENTINELS) {
    const fresh = new Type(n).fill(sentinel);
    const got = kernel(fresh);
    t.equal(got, fresh, `${what}: answers the buffer passed in (sentinel ${sentinel})`);
    t.ok(sameBytes(fresh, reference), `${what}: a fresh buffer holds the allocating run's bytes (sentinel ${sentinel})`);

    const big = new Type(n + 2 * PAD).fill(sentinel);
    const view = big.subarray(PAD, PAD + n);
    const gotView = kernel(view);
    t.equal(gotView, view, `${what}: answers the view passed in (sentinel ${sentinel})`);
    t.ok(sameBytes(view, reference), `${what}: a view at an offset holds the allocating run's bytes (sentinel ${sentinel})`);
    const outside = [...big.subarray(0, PAD), ...big.subarray(PAD + n)];
    t.ok(
      outside.every((v) => Object.is(v, sentinel)),
      `${what}: nothing outside the view is written (sentinel ${sentinel})`,
    );
  }
}

function check(t: TapTest, def: ActivationDefinition, raw: Params, Type: FloatArrayConstructor): void {
  const shape = shapeFor(def, raw);
  const resolved = resolveParams(def, raw, shape);
  if (!resolved.ok) {
    t.fail(`${def.name} ${JSON.stringify(raw)}: params rejected: ${resolved.field}: ${resolved.message}`);
    return;
  }
  const params = resolved.params as never;
  const n = shape.reduce((a, b) => a * b, 1);
  const rand = random(n * 31 + def.name.length);
  const special = [0, -0, 3, -3, 6, 0.5, -0.5, 40, -40, Infinity, -Infinity, NaN];
  const data = new Type(n);
  for (let i = 0; i < n; i++) data[i] = i % 7 === 3 ? special[i % special.length] : rand() * 12 - 6;
  const x: Tensor = { data, shape };
  const where = `${def.name} ${JSON.stringify(raw)} ${Type.name}`;

  const y = def.forward(x, params);
  checkOut(t, `${where} forward`, Type, y.data, (out) => def.forward(x, params, out).data);

  const g = new Type(y.data.length);
  for (let i = 0; i < g.length; i++) g[i] = rand() * 4 - 2;
  const gradOutput: Tensor = { data: g, shape: y.shape };
  const kink = def.hasKink ? 'left' : 'torch';
  const back = def.backward(x, gradOutput, params, kink);
  checkOut(t, `${where} backward`, Type, back.gradInput.data, (out) => {
    const answer = def.backward(x, gradOutput, params, kink, out);
    t.same(answer.gradParams, back.gradParams, `${where} backward: the same grad_params with out`);
    return answer.gradInput.data;
  });
}

for (const def of registry.all()) {
  t.test(def.name, async (t) => {
    for (const raw of paramSets(def.name)) {
      for (const Type of [Float32Array, Float64Array]) check(t, def, raw, Type);
    }
  });
}
