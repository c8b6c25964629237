// Tensor JSON text written from typed arrays: byte for byte JSON.stringify, the answer writer, its size bound and its 422s.
import t from 'tap';
import fc from 'fast-check';
import { checkParamGrads, maxTensorJsonBytes, MAX_NUMBER_CHARS, tensorJson, writeAnswerJson } from '../../src/transport/json-text.js';
import { ApiError } from '../../src/errors.js';

type Floats = Float32Array | Float64Array;

/** The nested array of a row-major tensor, built here independently of src (a number for rank 0). */
function nested(data: ArrayLike<number>, shape: readonly number[]): unknown {
  if (shape.length === 0) return data[0];
  let flat: unknown[] = Array.from(data);
  for (let axis = shape.length - 1; axis > 0; axis--) {
    const d = shape[axis];
    const grouped: unknown[] = [];
    for (let i = 0; i < flat.length; i += d) grouped.push(flat.slice(i, i + d));
    flat = grouped;
  }
  return flat;
}

const expected = (data: Floats, shape: readonly number[]) => JSON.stringify(nested(data, shape));
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** The text writeAnswerJson puts into a buffer sized as its callers size it. */
function written(head: string, data: Floats, shape: readonly number[], tail: string, cancelled?: () => boolean) {
  const out = Buffer.alloc(head.length + tail.length + maxTensorJsonBytes(data.length, shape.length));
  const length = writeAnswerJson(out, head, data, shape, 'y', tail, cancelled);
  return { length, text: length === undefined ? undefined : out.toString('latin1', 0, length), capacity: out.length };
}

/** The ApiError `fn` throws, or undefined. */
function apiError(fn: () => unknown): ApiError | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
}

const SPECIAL = [
  -0, 0, 5e-324, -5e-324, 2.2250738585072014e-308, -2.2250738585072014e-308, 1e21, -1e21, 1e-7, 1e-6, 123456789012345680000,
  Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, 0.1, 1 / 3, -1.2345678901234567e-6, 9007199254740994, 1e300, 4.35, 100,
];

/** Shapes of rank 0 to 8. */
const SHAPES: number[][] = [
  [], [1], [7], [3, 1], [1, 3], [2, 3], [2, 3, 4], [1, 1, 1, 1], [2, 1, 3, 1, 2], [3, 2, 1, 2, 1, 2],
  [1, 2, 1, 2, 1, 2, 1], [2, 2, 2, 2, 2, 2, 2, 2], [1, 1, 1, 1, 1, 1, 1, 1], [2, 1, 2, 1, 2, 1, 2, 1], [1, 1, 1, 1, 1, 1, 1, 5],
];

/** The special values that stay finite in float32 (MAX_VALUE and 1e300 round to Infinity there). */
const SPECIAL_F32 = SPECIAL.filter((v) => Number.isFinite(Math.fround(v)));

function fill(n: number, type: 'f32' | 'f64', offset = 0): Floats {
  const values = type === 'f32' ? SPECIAL_F32 : SPECIAL;
  const data = type === 'f32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = values[(i + offset) % values.length];
  return data;
}

t.test('MAX_NUMBER_CHARS', async (t) => {
  t.equal(MAX_NUMBER_CHARS, 25);
  t.equal(String(-2.2250738585072014e-308).length, 24);
});

t.test('tensorJson is JSON.stringify of the nested array: ranks 0 to 8, float64 and float32, special values', async (t) => {
  for (const type of ['f64', 'f32'] as const) {
    for (const shape of SHAPES) {
      for (let offset = 0; offset < SPECIAL.length; offset += 5) {
        const data = fill(size(shape), type, offset);
        t.equal(tensorJson(data, shape, 'y'), expected(data, shape), `${type} [${shape}] from value ${offset}`);
      }
    }
  }
  // Each special value alone, at rank 0.
  for (const v of SPECIAL) t.equal(tensorJson(Float64Array.of(v), [], 'y'), JSON.stringify(v), `rank 0: ${v}`);
  for (const v of SPECIAL_F32) {
    t.equal(tensorJson(Float32Array.of(v), [], 'y'), JSON.stringify(Math.fround(v)), `rank 0 float32: ${Math.fround(v)}`);
  }
  t.equal(tensorJson(Float64Array.of(-0), [], 'y'), '0', '-0 is written 0');
  t.equal(tensorJson(Float64Array.of(-0, 1e21, 5e-324), [3], 'y'), '[0,1e+21,5e-324]');
});

t.test('the 8192-element pieces are joined seamlessly', async (t) => {
  for (const shape of [[20000], [100, 200], [8192], [8193], [2, 8192], [41, 200], [4, 5, 1000], [20000, 1], [3, 3, 3, 3, 3, 3, 3, 13]]) {
    for (const type of ['f64', 'f32'] as const) {
      const data = fill(size(shape), type);
      const text = expected(data, shape);
      t.ok(tensorJson(data, shape, 'y') === text, `tensorJson ${type} [${shape}]`);
      const w = written('{"y":', data, shape, '}');
      t.ok(w.text === `{"y":${text}}`, `writeAnswerJson ${type} [${shape}]`);
    }
  }
});

t.test('property: random values and shapes, rank 0 to 4, match JSON.stringify', async (t) => {
  const shape = fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 4 });
  const double = fc.double({ noNaN: true, noDefaultInfinity: true });
  // float32 data is drawn from float32 values: a double past 3.4e38 would round to Infinity.
  const float = fc.float({ noNaN: true, noDefaultInfinity: true });
  const tensor = fc.tuple(shape, fc.boolean()).chain(([s, f32]) =>
    fc.tuple(fc.constant(s), fc.array(f32 ? float : double, { minLength: size(s), maxLength: size(s) }), fc.constant(f32)),
  );
  let checked = 0;
  fc.assert(
    fc.property(tensor, fc.string({ maxLength: 20 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')), ([s, values, f32], head) => {
      const data = f32 ? Float32Array.from(values) : Float64Array.from(values);
      const text = expected(data, s);
      if (tensorJson(data, s, 'y') !== text) throw new Error(`tensorJson differs for [${s}]`);
      const w = written(head, data, s, '}');
      if (w.text !== head + text + '}') throw new Error(`writeAnswerJson differs for [${s}]`);
      if (w.length !== Buffer.byteLength(head + text + '}')) throw new Error('length');
      checked++;
    }),
    { seed: 42017, numRuns: 1500 },
  );
  t.equal(checked, 1500);
});

t.test('writeAnswerJson writes head, text and tail and returns the length', async (t) => {
  const data = Float64Array.of(1.5, -2, 0, 3e-9, 7, 8);
  const head = '{"name":"relu","shape":[2,3],"y":';
  const tail = ',"params":{}}';
  const w = written(head, data, [2, 3], tail);
  t.equal(w.text, `${head}[[1.5,-2,0],[3e-9,7,8]]${tail}`);
  t.equal(w.length, w.text!.length);
  t.ok(w.length! <= w.capacity);
  t.same(JSON.parse(w.text!).y, [[1.5, -2, 0], [3e-9, 7, 8]]);
  const rank0 = written('', Float32Array.of(0.1), [], '');
  t.equal(rank0.text, String(Math.fround(0.1)));
  t.throws(() => writeAnswerJson(Buffer.alloc(5), '', data, [6], 'y', ''), /answer text longer than its buffer/, 'a buffer too short is an error');
});

t.test('writeAnswerJson returns undefined once cancelled() is true', async (t) => {
  const small = Float64Array.of(1, 2, 3);
  t.equal(written('{"y":', small, [3], '}', () => true).length, undefined, 'cancelled before the first piece');
  // [100, 200] is three pieces (8200, 8200 and 3600 elements): cancelled() is asked before each.
  const data = fill(20000, 'f64');
  let calls = 0;
  const all = written('', data, [100, 200], '', () => (calls++, false));
  t.equal(calls, 3, 'asked once per piece');
  t.equal(all.text, expected(data, [100, 200]));
  let asked = 0;
  t.equal(written('', data, [100, 200], '', () => ++asked === 3).length, undefined, 'cancelled before the last piece');
  t.equal(asked, 3);
});

t.test('a non-finite element is a 422 naming its flat index', async (t) => {
  for (const bad of [NaN, Infinity, -Infinity]) {
    for (const [shape, index] of [[[10], 7], [[2, 5], 0], [[2, 5], 9], [[], 0], [[3, 1, 3000], 8999], [[20000], 12345]] as Array<[number[], number]>) {
      for (const type of ['f64', 'f32'] as const) {
        const data = fill(size(shape), type);
        data[index] = bad;
        if (index + 3 < data.length) data[index + 3] = NaN;
        const label = `${bad} at ${index} of ${type} [${shape}]`;
        for (const err of [
          apiError(() => tensorJson(data, shape, 'grad_input')),
          apiError(() => writeAnswerJson(Buffer.alloc(maxTensorJsonBytes(data.length, shape.length) + 10), '{', data, shape, 'grad_input', '}')),
        ]) {
          t.equal(err?.code, 'RECTIFIER_NON_FINITE_RESULT', label);
          t.equal(err?.statusCode, 422);
          t.match(err?.message, `grad_input has a non-finite value (${bad}) at flat index ${index},`, label);
        }
      }
    }
  }
});

t.test('maxTensorJsonBytes is never exceeded, for the longest numbers and the most brackets', async (t) => {
  // The longest number texts: 24 characters in exponent form, 25 in fixed form just above 1e-6.
  const longest = [-2.2250738585072014e-308, -1.2345678901234567e-6, -2.1896850484309894e-6, -1.7976931348623157e308];
  for (const v of longest) t.ok(String(v).length <= MAX_NUMBER_CHARS, `${v}: ${String(v).length} characters`);
  for (const v of longest) {
    for (let rank = 0; rank <= 8; rank++) {
      for (const n of rank === 0 ? [1] : [1, 2, 3, 1000, 9000]) {
        // [n, 1, 1, ...]: an array per element on every axis but the first, the most brackets.
        const shape = rank === 0 ? [] : [n, ...new Array(rank - 1).fill(1)];
        const data = new Float64Array(n).fill(v);
        const text = tensorJson(data, shape, 'y');
        t.ok(text === expected(data, shape), `${v} [${n}, 1 x ${rank - 1}] is right`);
        t.ok(text.length <= maxTensorJsonBytes(n, rank), `${v} [${n}, 1 x ${rank - 1}]: ${text.length} <= ${maxTensorJsonBytes(n, rank)}`);
        const w = written('', data, shape, '');
        t.equal(w.length, text.length, 'and writeAnswerJson fits it in a buffer of that size');
      }
    }
  }
  // Also for any shape of rank 0 to 8, dims 1 to 3, filled with the longest values.
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 8 }), fc.constantFrom(...longest), (shape, v) => {
      const data = new Float64Array(size(shape)).fill(v);
      const length = tensorJson(data, shape, 'y').length;
      if (length > maxTensorJsonBytes(data.length, shape.length)) throw new Error(`[${shape}]: ${length}`);
    }),
    { seed: 5150, numRuns: 500 },
  );
});

t.test('checkParamGrads: a 422 for a non-finite number or element, the object itself otherwise', async (t) => {
  const fine: Array<Record<string, number | number[]>> = [{}, { beta: 0.5 }, { alpha: [0.1, -0.2, 0] }, { a: 1, b: [1, 2], c: [] }, { m: -Number.MAX_VALUE }];
  for (const grads of fine) {
    t.equal(checkParamGrads(grads), grads, JSON.stringify(grads));
  }
  for (const [grads, text] of [
    [{ beta: NaN }, 'grad_params.beta is not finite (NaN)'],
    [{ beta: Infinity }, 'grad_params.beta is not finite (Infinity)'],
    [{ ok: 1, alpha: [0.1, -Infinity, NaN] }, 'grad_params.alpha is not finite (-Infinity)'],
    [{ alpha: [NaN] }, 'grad_params.alpha is not finite (NaN)'],
  ] as const) {
    const err = apiError(() => checkParamGrads(grads as Record<string, number | number[]>));
    t.equal(err?.code, 'RECTIFIER_NON_FINITE_RESULT');
    t.equal(err?.statusCode, 422);
    t.match(err?.message, text);
  }
});
