// The byte scan before JSON.parse: nesting depth (named by field), separators outside strings, and that it only ever throws ApiError.
import t from 'tap';
import fc from 'fast-check';
import { checkJsonShape, MAX_JSON_DEPTH } from '../../src/transport/json-scan.js';
import { ApiError } from '../../src/errors.js';

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const scan = (text: string, maxElements = 1000) => checkJsonShape(bytes(text), maxElements);
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const deepArray = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

/** The ApiError the scan throws for `text`, or undefined when it passes. */
function scanError(text: string | Uint8Array, maxElements = 1000): ApiError | undefined {
  try {
    checkJsonShape(typeof text === 'string' ? bytes(text) : text, maxElements);
    return undefined;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
}

t.test('MAX_JSON_DEPTH is 64', async (t) => {
  t.equal(MAX_JSON_DEPTH, 64);
});

t.test('nesting of exactly MAX_JSON_DEPTH passes; one more is refused naming the top-level field', async (t) => {
  // The body's own braces count: the body plus 63 levels inside params is 64.
  t.doesNotThrow(() => scan(`{"x":[1],"params":${deepObject(MAX_JSON_DEPTH - 1)}}`));
  t.doesNotThrow(() => scan(deepArray(MAX_JSON_DEPTH)), 'a top-level array 64 deep');
  t.doesNotThrow(() => scan(deepObject(MAX_JSON_DEPTH)));
  const err = scanError(`{"x":[1],"params":${deepObject(MAX_JSON_DEPTH)}}`);
  t.equal(err?.code, 'RECTIFIER_INVALID_BODY');
  t.equal(err?.statusCode, 400);
  t.match(err?.message, /^params nests deeper than 64 levels \(at byte \d+\)$/);
  t.match(scanError(`{"x":[1],"junk":${deepObject(3000)}}`)?.message, /^junk nests deeper than 64 levels/, 'an unknown key is named');
  t.match(scanError(`{"x":[1], "params" : ${deepObject(100)}}`)?.message, /^params nests/, 'whitespace around the colon');
  t.match(scanError(deepArray(MAX_JSON_DEPTH + 1))?.message, /^the body nests deeper than 64 levels/, 'no field: the body');
  t.match(scanError(deepObject(MAX_JSON_DEPTH + 1))?.message, /^a nests deeper/, 'the first key of the body');
  // The byte offset is that of the bracket that went one level too deep.
  const text = deepArray(MAX_JSON_DEPTH + 1);
  t.match(scanError(text)?.message, new RegExp(`at byte ${MAX_JSON_DEPTH}\\)`));
  // Brackets and braces count alike.
  t.equal(scanError(`[${'{"a":['.repeat(40)}1${']}'.repeat(40)}]`)?.code, 'RECTIFIER_INVALID_BODY');
});

t.test('the field is the top-level key being read, reset by a comma at the top level', async (t) => {
  // After params closes and a comma follows, a deep value inside a top-level array has no key.
  t.match(scanError(`{"params":{"a":1},"x":[1],"y":${deepObject(70)}}`)?.message, /^y nests/);
  t.match(scanError(`{"params":{"a":"x","b":${deepObject(70)}}}`)?.message, /^params nests/, 'a nested key is not the field');
  t.match(scanError(`{"x":[1],"params":{"a":1}, "z": "s", "w":${deepArray(70)}}`)?.message, /^w nests/);
});

t.test('too deep inside x or grad_output is a tensor error', async (t) => {
  for (const field of ['x', 'grad_output']) {
    for (const depth of [MAX_JSON_DEPTH, 100, 3000]) {
      const err = scanError(`{"params":{},"${field}":${deepArray(depth)}}`);
      t.equal(err?.code, 'RECTIFIER_INVALID_TENSOR', `${field} ${depth} deep`);
      t.equal(err?.statusCode, 400);
      t.equal(err?.message, `${field}: nested deeper than the maximum rank 8`);
    }
    t.equal(scanError(`{"${field}":${deepArray(MAX_JSON_DEPTH - 1)}}`), undefined, `${field} 63 deep (64 with the body) passes the scan`);
  }
});

t.test('brackets, braces, quotes and backslashes inside strings do not count', async (t) => {
  const open = '['.repeat(200) + '{'.repeat(200);
  t.equal(scanError(`{"x":[1],"params":{"s":"${open}"}}`), undefined, 'brackets in a value');
  t.equal(scanError(`{"${open}":1}`), undefined, 'brackets in a key');
  t.equal(scanError(`{"s":"\\"${open}\\""}`), undefined, 'escaped quotes do not end the string');
  t.equal(scanError(`{"s":"a\\\\","t":${deepArray(10)}}`), undefined, 'an escaped backslash before the closing quote');
  // An escaped backslash ends the string: what follows is counted again.
  t.equal(scanError(`{"s":"\\\\","t":${deepArray(MAX_JSON_DEPTH)}}`)?.code, 'RECTIFIER_INVALID_BODY', 'counting resumes after "\\\\"');
  t.match(scanError(`{"s":"\\\\","t":${deepArray(MAX_JSON_DEPTH)}}`)?.message, /^t nests/);
  // An escaped quote does not end the string: the brackets after it are still inside.
  t.equal(scanError(`{"s":"\\"${']'.repeat(100)}${'['.repeat(100)}"}`), undefined);
  t.equal(scanError(`{"s":"\\\\\\"${open}"}`), undefined, '\\\\ then \\" then brackets: still inside');
  t.equal(scanError(`{"k\\"ey":${deepObject(70)}}`)?.message.startsWith('k\\"ey nests'), true, 'a key with an escaped quote is named raw');
  // Multi-byte UTF-8 inside strings is skipped too.
  t.equal(scanError(`{"s":"é😀${open}"}`), undefined);
});

t.test('separators: more values than x, grad_output and params could hold is a 413; commas inside strings do not count', async (t) => {
  const maxElements = 10;
  const maxValues = 3 * maxElements + 4096;
  const array = (commas: number) => `{"x":[${'0,'.repeat(commas)}0]}`;
  t.equal(scanError(array(maxValues - 1), maxElements), undefined, `${maxValues - 1} commas (${maxValues} values) pass`);
  const err = scanError(array(maxValues), maxElements);
  t.equal(err?.code, 'RECTIFIER_TOO_MANY_ELEMENTS', `${maxValues} commas (${maxValues + 1} values) are refused`);
  t.equal(err?.statusCode, 413);
  t.match(err?.message, new RegExp(`over ${maxValues} values; x and grad_output may hold ${maxElements} elements each`));
  t.equal(scanError(array(maxValues + 5000), maxElements)?.code, 'RECTIFIER_TOO_MANY_ELEMENTS');
  t.equal(scanError(`{"x":[0],"s":"${','.repeat(5 * maxValues)}"}`, maxElements), undefined, 'commas in a string');
  t.equal(scanError(`{"x":[0],"${','.repeat(5 * maxValues)}":1}`, maxElements), undefined, 'commas in a key');
  t.equal(scanError(`{"x":[0],"s":"\\"${','.repeat(5 * maxValues)}"}`, maxElements), undefined, 'after an escaped quote');
  // Colons are not separators.
  t.equal(scanError(`{${Array.from({ length: 2000 }, (_, i) => `"k${i}":{"a":1}`).join(',')}}`, maxElements), undefined);
  // Depth is checked first, as the scan goes.
  t.equal(scanError(`[${'0,'.repeat(maxValues)}${deepArray(70)}]`, maxElements)?.code, 'RECTIFIER_INVALID_BODY');
});

t.test('invalid JSON passes the scan: JSON.parse reports it', async (t) => {
  for (const text of ['{"x": [1, 2', '{"x": [[[[', '{"x":', ']]]]]]', '"unterminated', '{"a":"\\', '\\', '}{', ',,,,', '']) {
    t.equal(scanError(text), undefined, JSON.stringify(text));
  }
});

t.test('a view at an offset into a larger buffer names the field from its own bytes', async (t) => {
  const text = `{"x":[1],"params":${deepObject(70)}}`;
  const backing = Buffer.alloc(text.length + 1000, 'z');
  backing.write(text, 500);
  const view = new Uint8Array(backing.buffer, backing.byteOffset + 500, text.length);
  t.match(scanError(view)?.message, /^params nests deeper than 64 levels/);
});

t.test('property: serialized JSON values (at most 11 deep) always pass', async (t) => {
  let runs = 0;
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 10 }), (value) => {
      runs++;
      checkJsonShape(bytes(JSON.stringify(value)), 1_000_000);
    }),
    { seed: 7301, numRuns: 2000 },
  );
  // Also inside a body, under every top-level field.
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 10 }), fc.constantFrom('x', 'grad_output', 'params', 'junk'), (value, key) => {
      runs++;
      checkJsonShape(bytes(JSON.stringify({ [key]: value })), 1_000_000);
    }),
    { seed: 7302, numRuns: 1000 },
  );
  t.equal(runs, 3000);
});

t.test('property: for any bytes the scan returns or throws an ApiError', async (t) => {
  let refused = 0;
  const alphabet = fc.constantFrom(...'[]{}",:\\ax0 '.split('').map((c) => c.charCodeAt(0)));
  const structured = fc.array(alphabet, { maxLength: 400, size: 'max' }).map((a) => Uint8Array.from(a));
  const deep = fc.tuple(fc.integer({ min: 0, max: 120 }), fc.uint8Array({ maxLength: 50 })).map(([depth, tail]) => {
    const head = bytes('{"x":' + '['.repeat(depth));
    const out = new Uint8Array(head.length + tail.length);
    out.set(head);
    out.set(tail, head.length);
    return out;
  });
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 2000, size: 'max' }), structured, deep), fc.integer({ min: 1, max: 50 }), (input, maxElements) => {
      try {
        checkJsonShape(input, maxElements);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        if (![400, 413].includes(err.statusCode)) throw new Error(`status ${err.statusCode}`);
        refused++;
      }
    }),
    { seed: 7303, numRuns: 3000 },
  );
  t.ok(refused > 50, `${refused} inputs refused, all with an ApiError`);
});
