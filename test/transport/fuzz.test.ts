// Property-based fuzzing of the JSON and binary decoders, and of the whole app through inject: only catalogued 4xx errors, nothing leaked.
import t from 'tap';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../src/errors.js';
import { parseJsonBytes } from '../../src/transport/json-parse.js';
import { decodeTensor } from '../../src/transport/json.js';
import { planBinary, splitBinary, type BinaryPlan } from '../../src/transport/binary.js';
import { testApp } from '../helpers/app.js';

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Checks that `err` is an ApiError with one of `statuses`; rethrows anything else so fast-check reports it. */
function expectApiError(err: unknown, statuses: number[], what: string): ApiError {
  if (!(err instanceof ApiError)) throw new Error(`${what}: not an ApiError: ${String((err as Error)?.stack ?? err)}`);
  if (!statuses.includes(err.statusCode)) throw new Error(`${what}: status ${err.statusCode} (${err.code}: ${err.message})`);
  return err;
}

// ---------------------------------------------------------------------------------------------------------------
// Generators shared by the parts below.

/** Printable ASCII, which is what an HTTP header value can carry. */
const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 30 });

/** Characters that matter to a JSON scanner and parser. */
const jsonChar = fc.constantFrom(...'[]{}",:\\0123456789-+.eE tfnul'.split(''), '\u0000', '\u00e9', '\ud83d', '"__proto__"');

/** A text edited in place: characters deleted, inserted or replaced at random positions. */
function mutated(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const edit = fc.record({ at: fc.nat(), kind: fc.constantFrom('delete', 'insert', 'replace'), ch: fc.oneof(jsonChar, fc.string({ maxLength: 2 })) });
  return fc.tuple(text, fc.array(edit, { maxLength: 6 })).map(([s, edits]) => {
    let out = s;
    for (const e of edits) {
      const i = out.length === 0 ? 0 : e.at % (out.length + 1);
      if (e.kind === 'delete') out = out.slice(0, i) + out.slice(i + 1);
      else if (e.kind === 'insert') out = out.slice(0, i) + e.ch + out.slice(i);
      else out = out.slice(0, i) + e.ch + out.slice(i + 1);
    }
    return out;
  });
}

/** Numbers as a tensor may hold them, plus now and then something it may not. */
const element = fc.oneof(
  { weight: 40, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 10, arbitrary: fc.integer({ min: -5, max: 5 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(NaN, Infinity, -Infinity, '1', null, true, [], {}, [1]) },
);

/** A shape of rank 0 to 9 (9 is too deep), dims 0 to 3, at most 300 elements. */
const anyShape = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 9 }).map((s) => {
  const shape = [...s];
  while (size(shape) > 300) shape[shape.indexOf(Math.max(...shape))]--;
  return shape;
});

/** A rectangular nested array of `shape` from a flat list. */
function nest(flat: unknown[], shape: readonly number[]): unknown {
  if (shape.length === 0) return flat[0];
  let level: unknown[] = flat;
  for (let axis = shape.length - 1; axis > 0; axis--) {
    const grouped: unknown[] = [];
    for (let i = 0; i < level.length; i += shape[axis]) grouped.push(level.slice(i, i + shape[axis]));
    level = grouped;
  }
  // A zero anywhere leaves the outer level short: rebuild it with empty rows.
  if (level.length !== shape[0]) return Array.from({ length: shape[0] }, () => nest([], shape.slice(1)));
  return level;
}

const rectangular = anyShape.chain((shape) =>
  fc.array(element, { minLength: size(shape), maxLength: size(shape) }).map((flat) => nest(flat, shape)),
);

/** A ragged tree: arrays of numbers and arrays, of any lengths. */
const ragged: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', maxDepth: 6 }, element, fc.array(tie('node'), { maxLength: 4 })),
})).node;

/** A ragged array made from a rectangular one by changing one row's length. */
const almostRectangular = fc
  .tuple(fc.array(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 3, maxLength: 3 }), { minLength: 2, maxLength: 5 }), fc.nat(), fc.boolean())
  .map(([rows, pick, longer]) => {
    const i = pick % rows.length;
    rows[i] = longer ? [...rows[i], 1] : rows[i].slice(1);
    return rows as unknown;
  });

// ---------------------------------------------------------------------------------------------------------------
// a. parseJsonBytes

t.test('parseJsonBytes: any bytes or text gives a value or a 400/413 ApiError', async (t) => {
  const maxElements = 8;
  let values = 0;
  let refused = 0;
  const check = (input: Uint8Array) => {
    const text = Buffer.from(input).toString('utf8');
    let value: unknown;
    try {
      value = parseJsonBytes(input, maxElements);
    } catch (err) {
      expectApiError(err, [400, 413], JSON.stringify(text.slice(0, 200)));
      refused++;
      return;
    }
    values++;
    // A value is what JSON.parse gives for the same text.
    if (!isDeepStrictEqual(value, JSON.parse(text))) throw new Error(`differs from JSON.parse for ${JSON.stringify(text.slice(0, 200))}`);
  };
  const text = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
  fc.assert(fc.property(fc.uint8Array({ maxLength: 400, size: 'max' }), check), { seed: 1101, numRuns: 1500 });
  fc.assert(fc.property(fc.string({ maxLength: 200, size: 'max' }).map(text), check), { seed: 1102, numRuns: 1500 });
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 100, size: 'max' }).map(text), check), { seed: 1103, numRuns: 1000 });
  fc.assert(fc.property(fc.jsonValue().map((v) => text(JSON.stringify(v))), check), { seed: 1104, numRuns: 1500 });
  fc.assert(fc.property(mutated(fc.jsonValue().map((v) => JSON.stringify(v))).map(text), check), { seed: 1105, numRuns: 3000 });
  fc.assert(
    fc.property(mutated(fc.constantFrom('{"x":[1,2,3],"params":{"alpha":0.1}}', '{"__proto__":{"a":1}}', '[[[[1]]]]', '{"a":"\\u0000"}')).map(text), check),
    { seed: 1106, numRuns: 2000 },
  );
  // Inside a subarray at an offset, as the worker reads a region of the arena.
  fc.assert(
    fc.property(fc.jsonValue(), fc.nat({ max: 64 }), (v, offset) => {
      const body = Buffer.from(JSON.stringify(v) ?? 'null');
      const backing = new Uint8Array(offset + body.length + 7).fill(0x5b);
      backing.set(body, offset);
      check(backing.subarray(offset, offset + body.length));
    }),
    { seed: 1107, numRuns: 500 },
  );
  t.ok(values > 1000, `${values} values`);
  t.ok(refused > 1000, `${refused} refusals, all ApiErrors`);
  const empty = (() => {
    try {
      parseJsonBytes(new Uint8Array(0), 8);
    } catch (err) {
      return err;
    }
  })();
  t.match(empty, { code: 'RECTIFIER_INVALID_JSON', statusCode: 400 }, 'an empty body');
  t.throws(() => parseJsonBytes(text('{"__proto__":1}'), 8), { code: 'RECTIFIER_INVALID_JSON' }, '__proto__ is refused');
  t.throws(() => parseJsonBytes(text(`[${'0,'.repeat(5000)}0]`), 8), { code: 'RECTIFIER_TOO_MANY_ELEMENTS', statusCode: 413 });
});

// ---------------------------------------------------------------------------------------------------------------
// b. decodeTensor

/** The tensor a nested value stands for, worked out here: undefined when it is not a rectangular array of finite numbers, rank <= 8. */
function model(value: unknown): { shape: number[]; flat: number[] } | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? { shape: [], flat: [value] } : undefined;
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const parts = value.map(model);
  if (parts.some((p) => p === undefined)) return undefined;
  const first = parts[0]!;
  if (!parts.every((p) => isDeepStrictEqual(p!.shape, first.shape))) return undefined;
  const shape = [value.length, ...first.shape];
  if (shape.length > 8) return undefined;
  return { shape, flat: parts.flatMap((p) => p!.flat) };
}

t.test('decodeTensor: the flattened numbers of a rectangular array, or a 400/413 naming x', async (t) => {
  const counts = { ok: 0, tooMany: 0, refused: 0 };
  const check = (maxElements: number) => (value: unknown) => {
    const expected = model(value);
    let tensor;
    try {
      tensor = decodeTensor(value, 'x', maxElements);
    } catch (err) {
      const e = expectApiError(err, [400, 413], JSON.stringify(value)?.slice(0, 200) ?? String(value));
      if (!e.message.startsWith('x')) throw new Error(`message does not name x: ${e.message}`);
      if (expected !== undefined && expected.flat.length <= maxElements) throw new Error(`refused a valid tensor: ${e.message}`);
      if (expected !== undefined) {
        if (e.code !== 'RECTIFIER_TOO_MANY_ELEMENTS') throw new Error(`${expected.flat.length} elements: ${e.code}`);
        counts.tooMany++;
      } else counts.refused++;
      return;
    }
    if (expected === undefined) throw new Error(`accepted ${JSON.stringify(value)?.slice(0, 200)}`);
    if (expected.flat.length > maxElements) throw new Error(`accepted ${expected.flat.length} elements`);
    if (!isDeepStrictEqual([...tensor.shape], expected.shape)) throw new Error(`shape [${tensor.shape}], expected [${expected.shape}]`);
    if (!(tensor.data instanceof Float64Array)) throw new Error('not a Float64Array');
    if (tensor.data.length !== expected.flat.length || !expected.flat.every((v, i) => Object.is(tensor.data[i], v))) {
      throw new Error(`data differs for ${JSON.stringify(value).slice(0, 200)}`);
    }
    counts.ok++;
  };
  fc.assert(fc.property(fc.jsonValue(), check(100)), { seed: 2201, numRuns: 2000 });
  fc.assert(fc.property(rectangular, check(100)), { seed: 2202, numRuns: 2000 });
  fc.assert(fc.property(rectangular, check(12)), { seed: 2205, numRuns: 1000 });
  fc.assert(fc.property(ragged, check(100)), { seed: 2203, numRuns: 2000 });
  fc.assert(fc.property(almostRectangular, check(100)), { seed: 2204, numRuns: 500 });
  t.ok(counts.ok > 500, `${counts.ok} tensors decoded`);
  t.ok(counts.tooMany > 10, `${counts.tooMany} over the element limit`);
  t.ok(counts.refused > 1000, `${counts.refused} refused`);
});

// ---------------------------------------------------------------------------------------------------------------
// c. planBinary and splitBinary

const dtypeHeader = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('float32', 'float64') },
  { weight: 3, arbitrary: fc.constantFrom<string | string[] | undefined>('Float32', 'FLOAT64', ' float32', 'float64 ', 'float16', 'int8', '', 'f4', undefined, ['float32'], ['float64', 'float32'], []) },
  { weight: 1, arbitrary: printable },
);

const dimText = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 40 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('0', '-1', '01', '1.5', '1e3', ' 3 ', '', 'a', '99999999999', '4294967296', '+2') },
);
const shapeHeader = fc.oneof(
  { weight: 2, arbitrary: fc.constant<string | string[] | undefined>(undefined) },
  {
    weight: 6,
    arbitrary: fc.tuple(fc.array(dimText, { maxLength: 10 }), fc.constantFrom(',', ', ', ' ,'), fc.constantFrom('', '[]', '[', ']', ' ')).map(
      ([dims, sep, wrap]) => {
        const list = dims.join(sep);
        if (wrap === '[]') return `[${list}]`;
        if (wrap === '[') return `[${list}`;
        if (wrap === ']') return `${list}]`;
        return wrap + list + wrap;
      },
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('', '[]', '[ ]', ',', '1,,2', '1;2', '[[2]]', '1 2', '1000000,1000000', '100000,100000,100000') },
  { weight: 1, arbitrary: printable },
);
const declaredLength = fc.oneof(
  fc.constant(undefined),
  fc.constant(0),
  fc.integer({ min: 0, max: 2000 }).map((n) => 4 * n),
  fc.integer({ min: 0, max: 1000 }).map((n) => 8 * n),
  fc.integer({ min: 0, max: 10_000 }),
  fc.constantFrom(4, 8, 12, 16, 24, 2 ** 31, 2 ** 40),
);

/** Checks a plan, then splits a body of every length it allows (and one it does not). */
function checkPlan(plan: BinaryPlan, dtype: unknown, declared: number | undefined, gradient: boolean, maxElements: number): void {
  const itemSize = plan.dtype === 'float32' ? 4 : 8;
  const value = Array.isArray(dtype) ? dtype[0] : dtype;
  if (plan.dtype !== value) throw new Error(`dtype ${plan.dtype} from ${JSON.stringify(dtype)}`);
  if (plan.itemSize !== itemSize) throw new Error(`itemSize ${plan.itemSize}`);
  if (plan.elements < 1 || plan.elements > maxElements) throw new Error(`elements ${plan.elements}`);
  if (plan.elements !== size(plan.shape)) throw new Error(`elements ${plan.elements} for shape [${plan.shape}]`);
  if (plan.shape.length > 8) throw new Error(`rank ${plan.shape.length}`);
  if (plan.lengths.length === 0) throw new Error('no lengths');
  const allowed = gradient ? [plan.elements * itemSize, 2 * plan.elements * itemSize] : [plan.elements * itemSize];
  for (const length of plan.lengths) {
    if (length % itemSize !== 0) throw new Error(`length ${length} not a multiple of ${itemSize}`);
    if (!allowed.includes(length)) throw new Error(`length ${length} not one of ${allowed}`);
  }
  if (declared !== undefined && !isDeepStrictEqual(plan.lengths, [declared])) throw new Error(`lengths ${plan.lengths}, declared ${declared}`);
  if (declared === undefined && !isDeepStrictEqual(plan.lengths, allowed)) throw new Error(`lengths ${plan.lengths}, expected ${allowed}`);
  for (const length of plan.lengths) {
    const memory = new ArrayBuffer(length);
    const body = Buffer.from(memory);
    const { x, gradOutput } = splitBinary(body, plan);
    const Type = plan.dtype === 'float32' ? Float32Array : Float64Array;
    if (!(x instanceof Type) || x.length !== plan.elements || x.buffer !== memory || x.byteOffset !== 0) throw new Error('x is not a view of the body');
    if (length > plan.elements * itemSize) {
      if (!(gradOutput instanceof Type) || gradOutput.length !== plan.elements || gradOutput.buffer !== memory) throw new Error('grad_output');
      if (gradOutput.byteOffset !== plan.elements * itemSize) throw new Error('grad_output offset');
    } else if (gradOutput !== undefined) throw new Error('grad_output from a body of x alone');
  }
  // A body of a length the plan does not allow is a 400.
  const wrong = Math.max(...plan.lengths) + itemSize;
  try {
    splitBinary(Buffer.from(new ArrayBuffer(wrong)), plan);
    throw new Error(`splitBinary took ${wrong} bytes`);
  } catch (err) {
    if (!(err instanceof ApiError) || err.statusCode !== 400) throw err;
  }
}

t.test('planBinary/splitBinary: any headers give a 400/411/413 or a consistent plan whose bodies split into views', async (t) => {
  const counts = { plans: 0, refused: new Map<number, number>() };
  fc.assert(
    fc.property(dtypeHeader, shapeHeader, declaredLength, fc.boolean(), fc.constantFrom(1, 64, 1000, 8_388_608), (dtype, shape, declared, gradient, maxElements) => {
      const headers: Record<string, string | string[] | undefined> = { 'x-dtype': dtype, 'x-shape': shape };
      let plan: BinaryPlan;
      const seen: number[][] = [];
      try {
        plan = planBinary(headers, declared, { gradient, maxElements, outputShape: (s) => (seen.push(s), s) });
      } catch (err) {
        const e = expectApiError(err, [400, 411, 413], JSON.stringify({ dtype, shape, declared, gradient, maxElements }));
        counts.refused.set(e.statusCode, (counts.refused.get(e.statusCode) ?? 0) + 1);
        return;
      }
      if (gradient && !seen.some((s) => isDeepStrictEqual(s, plan.shape))) throw new Error('outputShape not asked for x shape');
      checkPlan(plan, dtype, declared, gradient, maxElements);
      counts.plans++;
    }),
    { seed: 3301, numRuns: 6000 },
  );
  t.ok(counts.plans > 100, `${counts.plans} plans`);
  for (const status of [400, 411, 413]) t.ok((counts.refused.get(status) ?? 0) > 20, `${counts.refused.get(status)} refused with ${status}`);
});

t.test('planBinary: consistent headers always give the plan they describe', async (t) => {
  const valid = fc.record({
    dtype: fc.constantFrom('float32' as const, 'float64' as const),
    shape: fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 8 }).filter((s) => size(s) <= 5000),
    gradient: fc.boolean(),
    withGrad: fc.boolean(),
    declare: fc.constantFrom('length', 'none', 'noShape'),
    spaced: fc.boolean(),
  });
  let runs = 0;
  fc.assert(
    fc.property(valid, ({ dtype, shape, gradient, withGrad, declare, spaced }) => {
      const itemSize = dtype === 'float32' ? 4 : 8;
      const n = size(shape);
      const length = (gradient && withGrad ? 2 : 1) * n * itemSize;
      const noShape = declare === 'noShape' && !gradient;
      const header = noShape ? undefined : spaced ? ` [${shape.join(' , ')}] ` : shape.join(',');
      const declared = declare === 'none' && !noShape ? undefined : length;
      const plan = planBinary({ 'x-dtype': dtype, 'x-shape': header }, declared, { gradient, maxElements: 5000, outputShape: (s) => s });
      const shapeSeen = noShape ? [n] : shape;
      if (!isDeepStrictEqual(plan.shape, shapeSeen)) throw new Error(`shape [${plan.shape}], expected [${shapeSeen}]`);
      checkPlan(plan, dtype, declared, gradient, 5000);
      runs++;
    }),
    { seed: 3302, numRuns: 2000 },
  );
  t.equal(runs, 2000);
});

// ---------------------------------------------------------------------------------------------------------------
// d. The app end to end

const URLS = ['/activations/relu', '/gradients/prelu', '/activations/softmax', '/activations/unknownname'];

interface Sent {
  url: string;
  headers: Record<string, string>;
  payload: string | Buffer;
}

const randomParams = fc.dictionary(
  fc.oneof(fc.constantFrom('alpha', 'dim', 'negative_slope', 'beta', 'num_parameters'), fc.string({ maxLength: 6 })),
  fc.oneof(element, fc.array(element, { maxLength: 4 }), fc.constantFrom<unknown>('none', -1, 0, 1, 7, 9, [0.1, 0.2], [])),
  { maxKeys: 3 },
);
/** Mostly params some route takes, so that many requests get as far as the kernels. */
const params = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<Record<string, unknown>>({}, { alpha: 0.1 }, { alpha: [0.5] }, { dim: 0 }, { dim: -1 }, { alpha: [0.1, 0.2] }) },
  { weight: 2, arbitrary: randomParams },
);
/** A rectangular array of finite numbers, dims 1 to 4, rank 0 to 3: a tensor every route takes. */
const goodTensor = fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 3 }).chain((shape) =>
  fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -50, max: 50 }), { minLength: size(shape), maxLength: size(shape) }).map((flat) => nest(flat, shape)),
);
const tensorValue = fc.oneof(
  { weight: 4, arbitrary: goodTensor },
  { weight: 2, arbitrary: rectangular },
  { weight: 1, arbitrary: ragged },
  { weight: 1, arbitrary: almostRectangular },
);
/** Now and then: a field that is mostly left out. */
const sometimes = <T>(arb: fc.Arbitrary<T>, weight = 1) => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight, arbitrary: arb });
const structuredBody = fc
  .record({
    x: tensorValue,
    grad_output: sometimes(tensorValue, 2),
    params: sometimes(params, 2),
    kink: sometimes(fc.constantFrom<unknown>('torch', 'left', 'right', 'sideways', 1)),
    extra: sometimes(fc.jsonValue({ maxDepth: 2 })),
  })
  .map((body) => JSON.stringify(body));
/** Bodies over the 1 KiB offload threshold: parsed in a worker. */
const largeBody = fc
  .tuple(
    fc.integer({ min: 1, max: 4 }),
    fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), { minLength: 150, maxLength: 600, size: 'max' }),
    params,
    fc.boolean(),
  )
  .map(([rows, flat, p, grad]) => {
    const width = Math.floor(flat.length / rows);
    const x = nest(flat.slice(0, rows * width), rows === 1 ? [width] : [rows, width]);
    return JSON.stringify(grad ? { x, grad_output: x, params: p } : { x, params: p });
  });
const jsonText = fc.oneof(
  { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 4, arbitrary: structuredBody },
  { weight: 3, arbitrary: mutated(structuredBody) },
  { weight: 2, arbitrary: largeBody },
  { weight: 2, arbitrary: mutated(largeBody) },
);
const accept = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.constantFrom('application/json', 'application/octet-stream', '*/*', 'application/*;q=0.5') },
  { weight: 1, arbitrary: fc.constantFrom('text/html', 'application/octet-stream;q=0', 'application/json;q=0') },
);
/** X-Dtype on a JSON request: the element type of a binary answer. */
const jsonDtype = fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('float32', 'float64', 'float16') });
const jsonRequest = fc
  .tuple(fc.constantFrom(...URLS), jsonText, accept, fc.constantFrom('application/json', 'application/json; charset=utf-8'), jsonDtype)
  .map(([url, payload, acc, type, dtype]): Sent => {
    const headers: Record<string, string> = { 'content-type': type };
    if (acc) headers.accept = acc;
    if (dtype) headers['x-dtype'] = dtype;
    return { url, payload, headers };
  });
const bytesRequest = fc.tuple(fc.constantFrom(...URLS), fc.uint8Array({ maxLength: 3000, size: 'max' })).map(
  ([url, bytes]): Sent => ({ url, payload: Buffer.from(bytes), headers: { 'content-type': 'application/json' } }),
);
const randomQuery = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom('alpha', 'dim', 'negative_slope', 'kink', 'beta'), printable.map((s) => s.slice(0, 6))),
      fc.oneof(fc.constantFrom('0.1', '0.1,0.2', '-1', '1', '7', 'abc', '', 'null', 'true', '1e999', 'left', 'right', 'torch'), printable.map((s) => s.slice(0, 8))),
    ),
    { maxLength: 3 },
  )
  .map((pairs) => (pairs.length === 0 ? '' : '?' + pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')));
const queryString = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  { weight: 2, arbitrary: fc.constantFrom('?alpha=0.2', '?alpha=0.1,0.2', '?dim=0', '?dim=-1', '?kink=left', '?kink=right&alpha=0.3') },
  { weight: 2, arbitrary: randomQuery },
);
const binaryRequest = fc
  .tuple(
    fc.constantFrom(...URLS),
    fc.oneof(fc.constantFrom('float32', 'float64'), fc.constantFrom('Float32', 'float16', ''), printable),
    fc.oneof(fc.constant(undefined), fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 4 }).map((s) => s.join(',')), fc.constantFrom('0', '-2', '1,2,3,4,5,6,7,8,9', '[2,3]', ' 2 , 2 ', '2,'), printable),
    fc.oneof(fc.integer({ min: 0, max: 64 }).map((n) => n * 4), fc.integer({ min: 0, max: 300 })),
    queryString,
    accept,
    fc.oneof(
      { weight: 6, arbitrary: fc.constant('application/octet-stream') },
      { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/x-thing', 'application/octet-stream; charset=binary') },
    ),
  )
  .chain(([url, dtype, shape, length, query, acc, type]) =>
    fc.uint8Array({ minLength: length, maxLength: length }).map((bytes): Sent => {
      const headers: Record<string, string> = { 'content-type': type };
      if (dtype !== '') headers['x-dtype'] = dtype;
      if (shape !== undefined) headers['x-shape'] = shape;
      if (acc) headers.accept = acc;
      return { url: url + query, payload: Buffer.from(bytes), headers };
    }),
  );
/** Binary bodies that agree with their headers, so the kernels run on whatever values the bytes make (NaN included). */
const consistentBinary = fc
  .tuple(fc.constantFrom(...URLS), fc.constantFrom('float32', 'float64'), fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 3 }), fc.boolean(), queryString, accept)
  .chain(([url, dtype, shape, withGrad, query, acc]) => {
    const n = size(shape) * (withGrad && url.startsWith('/gradients') ? 2 : 1);
    const length = n * (dtype === 'float32' ? 4 : 8);
    return fc.uint8Array({ minLength: length, maxLength: length }).map((bytes): Sent => {
      const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'x-dtype': dtype, 'x-shape': shape.join(',') };
      if (acc) headers.accept = acc;
      return { url: url + query, payload: Buffer.from(bytes), headers };
    });
  });

async function settled(app: FastifyInstance): Promise<void> {
  for (let i = 0; i < 1000 && app.compute.stats().leases > 0; i++) await new Promise((resolve) => setImmediate(resolve));
}

t.test('the app answers any body with a 2xx or a catalogued 4xx, and holds nothing afterwards', async (t) => {
  const app = await testApp(t, { POOL_THREADS: '1', JSON_OFFLOAD_BYTES: '1024', JSON_MAX_ELEMENTS: '500', BINARY_MAX_ELEMENTS: '4096' });
  const statuses = new Map<number, number>();
  const codes = new Map<string, number>();
  let offloaded = 0;
  const send = async (req: Sent) => {
    const res = await app.inject({ method: 'POST', url: req.url, headers: req.headers, payload: req.payload });
    const what = `${req.url} ${JSON.stringify(req.headers)} ${String(req.payload).slice(0, 160)}`;
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    if (Buffer.byteLength(req.payload) >= 1024 && String(req.headers['content-type']).startsWith('application/json')) offloaded++;
    if (res.statusCode >= 500) throw new Error(`${res.statusCode} for ${what}: ${res.body.slice(0, 300)}`);
    if (res.statusCode >= 400) {
      if (!String(res.headers['content-type']).startsWith('application/json')) throw new Error(`error without JSON for ${what}`);
      const body = res.json();
      codes.set(body.code, (codes.get(body.code) ?? 0) + 1);
      if (typeof body.code !== 'string' || !body.code.startsWith('RECTIFIER_')) throw new Error(`code ${body.code} for ${what}`);
      if (body.statusCode !== res.statusCode) throw new Error(`statusCode ${body.statusCode} in a ${res.statusCode}`);
      if (typeof body.message !== 'string' || body.message === '') throw new Error(`no message for ${what}`);
    } else if (String(res.headers['content-type']).startsWith('application/json')) {
      const body = res.json();
      if (typeof body.name !== 'string') throw new Error(`answer without a name for ${what}`);
    }
  };
  await fc.assert(fc.asyncProperty(jsonRequest, send), { seed: 4401, numRuns: 900 });
  await fc.assert(fc.asyncProperty(bytesRequest, send), { seed: 4402, numRuns: 400 });
  await fc.assert(fc.asyncProperty(binaryRequest, send), { seed: 4403, numRuns: 700 });
  await fc.assert(fc.asyncProperty(consistentBinary, send), { seed: 4404, numRuns: 400 });
  await settled(app);
  t.match(app.compute.stats(), { inFlight: 0, leases: 0, reservedBytes: 0, workerExits: 0, arenaInUseBytes: 0 });
  const summary = [...statuses.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`).join(', ');
  t.ok((statuses.get(200) ?? 0) > 200, `statuses ${summary}`);
  t.ok(codes.size >= 10, `codes ${[...codes.entries()].map(([c, n]) => `${c}: ${n}`).join(', ')}`);
  t.ok(offloaded > 100, `${offloaded} JSON bodies of 1 KiB or more (parsed in the worker)`);
  for (const status of [400, 404, 406, 413, 415]) t.ok(statuses.has(status), `some ${status}s`);
  const ok = await app.inject({ method: 'POST', url: '/activations/relu', payload: { x: [-1, 2] } });
  t.same(ok.json().y, [0, 2], 'still answering');
});

t.test('deep nesting in a large body is a 400 on the worker parse path', async (t) => {
  const app = await testApp(t, { POOL_THREADS: '1', JSON_OFFLOAD_BYTES: '1024' });
  const deepObject = '{"a":'.repeat(3000) + '1' + '}'.repeat(3000);
  const deepArray = '['.repeat(3000) + '1' + ']'.repeat(3000);
  const cases: Array<[string, string, string]> = [
    ['params', '{"x":[1],"params":' + deepObject + '}', 'RECTIFIER_INVALID_BODY'],
    ['an unknown key', '{"x":[1],"junk":' + deepObject + '}', 'RECTIFIER_INVALID_BODY'],
    ['x', '{"x":' + deepArray + '}', 'RECTIFIER_INVALID_TENSOR'],
    ['x, objects', '{"x":' + deepObject + '}', 'RECTIFIER_INVALID_TENSOR'],
    ['grad_output', '{"x":[1],"grad_output":' + deepArray + '}', 'RECTIFIER_INVALID_TENSOR'],
  ];
  for (const url of URLS.slice(0, 3)) {
    for (const [where, payload, code] of cases) {
      t.ok(payload.length >= 2048, `${where}: ${payload.length} bytes`);
      const res = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload });
      t.equal(res.statusCode, 400, `${url}, deep ${where}: ${res.body.slice(0, 200)}`);
      t.equal(res.json().code, code, `${url}, deep ${where}`);
    }
  }
  // Random depths and places, mutated now and then, through the worker.
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...URLS.slice(0, 3)),
      fc.integer({ min: 65, max: 5000 }),
      fc.constantFrom('params', 'junk', 'x', 'grad_output'),
      fc.constantFrom('{"a":', '[', '{"a":[', '["s",'),
      (url, depth, key, open) => {
        const close = open === '{"a":' ? '}' : open === '[' ? ']' : open === '{"a":[' ? ']}' : ']';
        const deep = open.repeat(depth) + '1' + close.repeat(depth);
        const payload = key === 'x' ? `{"x":${deep},"pad":"${'p'.repeat(1100)}"}` : `{"x":[1],"${key}":${deep},"pad":"${'p'.repeat(1100)}"}`;
        return app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload }).then((res) => {
          runs++;
          if (res.statusCode !== 400) throw new Error(`${res.statusCode} for ${key} ${depth} deep: ${res.body.slice(0, 200)}`);
        });
      },
    ),
    { seed: 4405, numRuns: 60 },
  );
  t.equal(runs, 60);
  await settled(app);
  t.match(app.compute.stats(), { inFlight: 0, leases: 0, reservedBytes: 0, workerExits: 0 });
});
