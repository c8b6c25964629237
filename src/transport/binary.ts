// The binary transport: little-endian row-major float32/float64 bodies, shape and dtype in headers.
import type { TSchema } from '@sinclair/typebox';
import { MAX_RANK, sizeOf } from '../core/tensor.js';
import { ApiError } from '../errors.js';

export const BINARY_TYPE = 'application/octet-stream';
export type Dtype = 'float32' | 'float64';
export type FloatArray = Float32Array | Float64Array;

const ITEM_SIZE: Record<Dtype, number> = { float32: 4, float64: 8 };

export function parseDtype(header: string | string[] | undefined): Dtype {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === 'float32' || value === 'float64') return value;
  throw new ApiError(
    'RECTIFIER_INVALID_BINARY',
    value === undefined
      ? 'X-Dtype is required with Content-Type: application/octet-stream (float32 or float64)'
      : `X-Dtype must be float32 or float64, got '${value}'`,
  );
}

/** Parses `X-Shape: 32,1024` (empty string = rank 0); undefined when the header is absent. */
export function parseShape(header: string | string[] | undefined): number[] | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '' || text === '[]') return [];
  const dims = text.replace(/^\[|\]$/g, '').split(',').map((d) => d.trim());
  if (dims.length > MAX_RANK || !dims.every((d) => /^[1-9][0-9]{0,9}$/.test(d))) {
    throw new ApiError(
      'RECTIFIER_INVALID_BINARY',
      `X-Shape must be up to ${MAX_RANK} positive integers separated by commas (e.g. 32,1024), got '${value}'`,
    );
  }
  return dims.map(Number);
}

/**
 * A typed-array view of `count` elements at element `start` of the body; copies when the body's
 * offset in its ArrayBuffer is not a multiple of the element size (a view there would throw).
 */
export function viewOf(body: Buffer, dtype: Dtype, start: number, count: number): FloatArray {
  const size = ITEM_SIZE[dtype];
  const byteOffset = body.byteOffset + start * size;
  const Ctor = dtype === 'float32' ? Float32Array : Float64Array;
  if (byteOffset % size === 0) return new Ctor(body.buffer as ArrayBuffer, byteOffset, count);
  const copy = new Ctor(count);
  new Uint8Array(copy.buffer).set(body.subarray(start * size, (start + count) * size));
  return copy;
}

export interface BinaryTensors {
  dtype: Dtype;
  shape: number[];
  x: FloatArray;
  /** Present when the body holds x followed by grad_output. */
  gradOutput?: FloatArray;
}

/**
 * Splits a binary body into x (and grad_output for gradients) and checks its length against the
 * shape. `outputShape` maps x's shape to the output's (grad_output has the output's shape).
 */
export function decodeBinary(
  body: Buffer,
  headers: Record<string, string | string[] | undefined>,
  opts: { gradient: boolean; maxElements: number; outputShape: (shape: number[]) => number[] },
): BinaryTensors {
  const dtype = parseDtype(headers['x-dtype']);
  const size = ITEM_SIZE[dtype];
  if (body.length % size !== 0) {
    throw new ApiError('RECTIFIER_INVALID_BINARY', `the body has ${body.length} bytes, not a whole number of ${dtype} values (${size} bytes each)`);
  }
  const count = body.length / size;
  const declared = parseShape(headers['x-shape']);
  if (declared === undefined && opts.gradient) {
    throw new ApiError(
      'RECTIFIER_INVALID_BINARY',
      'X-Shape is required for binary gradient requests: the body may hold x alone or x followed by grad_output',
    );
  }
  const shape = declared ?? [count];
  const n = sizeOf(shape);
  if (n > opts.maxElements) {
    throw new ApiError('RECTIFIER_TOO_MANY_ELEMENTS', `x: ${n} elements (shape [${shape.join(', ')}]) exceed the limit of ${opts.maxElements}`);
  }
  if (n === 0) throw new ApiError('RECTIFIER_INVALID_BINARY', 'the body is empty; at least one element is required');
  if (!opts.gradient) {
    if (count !== n) {
      throw new ApiError(
        'RECTIFIER_INVALID_BINARY',
        `X-Shape [${shape.join(', ')}] with X-Dtype ${dtype} needs ${n * size} bytes, the body has ${body.length}`,
      );
    }
    return { dtype, shape, x: viewOf(body, dtype, 0, n) };
  }
  const m = sizeOf(opts.outputShape(shape));
  if (count === n) return { dtype, shape, x: viewOf(body, dtype, 0, n) };
  if (count === n + m) return { dtype, shape, x: viewOf(body, dtype, 0, n), gradOutput: viewOf(body, dtype, n, m) };
  throw new ApiError(
    'RECTIFIER_INVALID_BINARY',
    `X-Shape [${shape.join(', ')}] with X-Dtype ${dtype} needs ${n * size} bytes (x alone) or ${(n + m) * size} bytes ` +
      `(x then grad_output), the body has ${body.length}`,
  );
}

/** The bytes of a typed array, without copying. */
export function bytesOf(data: FloatArray): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** Rounds a float64 result to the request's dtype (once), or passes it through for float64. */
export function toDtype(data: Float64Array, dtype: Dtype): FloatArray {
  return dtype === 'float64' ? data : Float32Array.from(data);
}

/** JSON for X-Grad-Params: non-finite values as the strings "NaN", "Infinity", "-Infinity". */
export function gradParamsHeader(grads: Record<string, number | number[]>): string {
  return JSON.stringify(grads, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

/**
 * Parameters from a query string, converted by each parameter's schema: numbers, literal strings,
 * booleans, null, and comma-separated arrays (`?alpha=0.1,0.2`). Validation is the schema's job.
 */
export function paramsFromQuery(
  query: Record<string, string | string[] | undefined>,
  properties: Record<string, TSchema>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(query)) {
    if (raw === undefined) continue;
    const text = Array.isArray(raw) ? raw.join(',') : raw;
    const schema = properties[key];
    out[key] = schema === undefined ? text : convert(text, schema);
  }
  return out;
}

function convert(text: string, schema: TSchema): unknown {
  const options: TSchema[] = schema.anyOf ?? [schema];
  const types = new Set(options.map((s) => (s.const !== undefined ? typeof s.const : s.type)));
  if (types.has('null') && text === 'null') return null;
  if (types.has('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  if (types.has('array') && (text.includes(',') || !(types.has('number') || types.has('integer')))) {
    return text.split(',').map(toNumber);
  }
  if (types.has('number') || types.has('integer')) return toNumber(text);
  return text;
}

/** A strict decimal number; anything else stays a string so the schema rejects it by name. */
function toNumber(text: string): number | string {
  const t = text.trim();
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) && Number.isFinite(Number(t)) ? Number(t) : text;
}
