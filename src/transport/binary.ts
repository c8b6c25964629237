// The binary transport: little-endian row-major float32/float64 bodies, shape and dtype in headers.
import type { TSchema } from '@sinclair/typebox';
import type { Dtype, FloatArray } from '../core/definition.js';
import { MAX_RANK, sizeOf } from '../core/tensor.js';
import { ApiError } from '../errors.js';
import { floatArray } from '../memory/views.js';

export const BINARY_TYPE = 'application/octet-stream';

export const ITEM_SIZE: Record<Dtype, number> = { float32: 4, float64: 8 };

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

/** What a binary request's headers fix before its body is read: element type, shape, and the body's length. */
export interface BinaryPlan {
  dtype: Dtype;
  itemSize: number;
  /** x's shape: X-Shape, or one axis of the declared length. */
  shape: number[];
  /** Elements of x. */
  elements: number;
  /** Bytes the body may have: x alone, or (gradients) x then grad_output; the largest is read into. */
  lengths: number[];
}

export interface BinaryPlanOptions {
  gradient: boolean;
  maxElements: number;
  /** Maps x's shape to the output's (grad_output has the output's shape). */
  outputShape: (shape: number[]) => number[];
}

/**
 * Checks X-Dtype, X-Shape and the declared Content-Length against each other and the element
 * limit, before any byte of the body is read: a body that cannot be valid is refused at once
 * (400, or 413 past the limit). A body of unknown length (chunked) needs X-Shape (411 without).
 */
export function planBinary(
  headers: Record<string, string | string[] | undefined>,
  declared: number | undefined,
  opts: BinaryPlanOptions,
): BinaryPlan {
  const dtype = parseDtype(headers['x-dtype']);
  const size = ITEM_SIZE[dtype];
  if (declared !== undefined && declared % size !== 0) {
    throw new ApiError('RECTIFIER_INVALID_BINARY', `the body has ${declared} bytes, not a whole number of ${dtype} values (${size} bytes each)`);
  }
  const shape = parseShape(headers['x-shape']);
  if (shape === undefined) {
    if (opts.gradient) {
      throw new ApiError(
        'RECTIFIER_INVALID_BINARY',
        'X-Shape is required for binary gradient requests: the body may hold x alone or x followed by grad_output',
      );
    }
    if (declared === undefined) {
      throw new ApiError('RECTIFIER_LENGTH_REQUIRED', 'a binary body without X-Shape needs a Content-Length header');
    }
  }
  const whole = shape ?? [declared! / size];
  const n = sizeOf(whole);
  if (n > opts.maxElements) {
    throw new ApiError('RECTIFIER_TOO_MANY_ELEMENTS', `x: ${n} elements (shape [${whole.join(', ')}]) exceed the limit of ${opts.maxElements}`);
  }
  if (n === 0) throw new ApiError('RECTIFIER_INVALID_BINARY', 'the body is empty; at least one element is required');
  const lengths = opts.gradient ? [n * size, (n + sizeOf(opts.outputShape(whole))) * size] : [n * size];
  if (declared !== undefined && !lengths.includes(declared)) {
    throw new ApiError(
      'RECTIFIER_INVALID_BINARY',
      opts.gradient
        ? `X-Shape [${whole.join(', ')}] with X-Dtype ${dtype} needs ${lengths[0]} bytes (x alone) or ${lengths[1]} bytes ` +
            `(x then grad_output), the body has ${declared}`
        : `X-Shape [${whole.join(', ')}] with X-Dtype ${dtype} needs ${lengths[0]} bytes, the body has ${declared}`,
    );
  }
  return { dtype, itemSize: size, shape: whole, elements: n, lengths: declared === undefined ? lengths : [declared] };
}

export interface BinaryTensors {
  x: FloatArray;
  /** Present when the body holds x followed by grad_output. */
  gradOutput?: FloatArray;
}

/**
 * x (and grad_output) as views on a body read according to the plan; its start is aligned (an
 * arena region), so no copy is made. A chunked body of another length is refused here.
 */
export function splitBinary(body: Buffer, plan: BinaryPlan): BinaryTensors {
  if (!plan.lengths.includes(body.length)) {
    throw new ApiError(
      'RECTIFIER_INVALID_BINARY',
      `X-Shape [${plan.shape.join(', ')}] with X-Dtype ${plan.dtype} needs ${plan.lengths.join(' or ')} bytes, the body has ${body.length}`,
    );
  }
  const all = floatArray(plan.dtype, body.buffer, body.byteOffset, body.length / plan.itemSize);
  const n = plan.elements;
  return all.length === n ? { x: all } : { x: all.subarray(0, n), gradOutput: all.subarray(n) };
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
