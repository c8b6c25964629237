// A byte scan of a JSON body before it is parsed: how deep it nests and how many values it can hold.
import { MAX_RANK } from '../core/tensor.js';
import { ApiError } from '../errors.js';

/**
 * The deepest nesting a body may have. A valid body nests at most 10 levels (the body, x of rank 8,
 * a number), params 3; a deep object graph is what cannot cross between threads (structured
 * clone recurses and overflows the stack), so anything past this is refused before parsing.
 */
export const MAX_JSON_DEPTH = 64;

/** Values a body may hold beyond its tensors' elements: params, a few keys. */
const OTHER_VALUES = 4096;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;

/** How many '[' and '{' the bytes hold (strings included), counting no further than past `limit`. */
function openings(bytes: Uint8Array, limit: number): number {
  let n = 0;
  for (const c of [0x5b, 0x7b]) {
    for (let i = bytes.indexOf(c); i !== -1; i = bytes.indexOf(c, i + 1)) if (++n > limit) return n;
  }
  return n;
}

/** Where the body got too deep: inside one of its tensors, which says what is wrong more precisely. */
function tooDeep(field: string | undefined, at: number): ApiError {
  if (field === 'x' || field === 'grad_output') {
    return new ApiError('RECTIFIER_INVALID_TENSOR', `${field}: nested deeper than the maximum rank ${MAX_RANK}`);
  }
  return new ApiError('RECTIFIER_INVALID_BODY', `${field ?? 'the body'} nests deeper than ${MAX_JSON_DEPTH} levels (at byte ${at})`);
}

/**
 * Throws RECTIFIER_INVALID_BODY for a body nested deeper than MAX_JSON_DEPTH (RECTIFIER_INVALID_TENSOR
 * when that is inside x or grad_output), and RECTIFIER_TOO_MANY_ELEMENTS for one with more values
 * than x, grad_output and params could hold (each tensor up to `maxElements`, params up to one value
 * per channel), so that JSON.parse never builds what would be refused anyway. Invalid JSON passes:
 * JSON.parse reports it.
 */
export function checkJsonShape(bytes: Uint8Array, maxElements: number): void {
  const maxValues = 3 * maxElements + OTHER_VALUES;
  // Most bodies hold a few brackets: then they cannot nest too deep, and the byte walk is skipped.
  if (bytes.length < 2 * maxValues && openings(bytes, MAX_JSON_DEPTH) <= MAX_JSON_DEPTH) return;
  let depth = 0;
  let separators = 0;
  let inString = false;
  // The top-level field being read: the last string closed at depth 1, once a ':' follows it.
  let stringStart = 0;
  let lastKey: [number, number] | undefined;
  let field: string | undefined;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) {
        inString = false;
        if (depth === 1) lastKey = [stringStart, i];
      }
      continue;
    }
    if (c === QUOTE) {
      inString = true;
      stringStart = i + 1;
    } else if (c === COMMA) {
      separators++;
      if (depth === 1) field = undefined;
    } else if (c === COLON) {
      if (depth === 1 && lastKey) field = Buffer.from(bytes.buffer, bytes.byteOffset + lastKey[0], lastKey[1] - lastKey[0]).toString();
    }
    // '[' and '{' are 0x5b and 0x7b; ']' and '}' are 0x5d and 0x7d.
    else if ((c | 0x20) === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) throw tooDeep(field, i);
    } else if ((c | 0x20) === 0x7d) depth--;
  }
  if (separators >= maxValues) {
    throw new ApiError(
      'RECTIFIER_TOO_MANY_ELEMENTS',
      `the body holds over ${maxValues} values; x and grad_output may hold ${maxElements} elements each`,
    );
  }
}
