// The JSON work a worker takes off the event loop: parsing a large body and encoding a large answer.
// Imports only pure helpers: the worker loads it.
import type { Dtype, Tensor } from '../core/definition.js';
import { ApiError, type ErrorCode } from '../errors.js';
import { arrayAt, type ArenaArray, type ArenaViews } from '../memory/views.js';
import { decodeTensor } from './json.js';
import { parseJsonBytes } from './json-parse.js';
import { writeAnswerJson } from './json-text.js';

/** A worker's result: errors cross the thread as plain data and are rethrown as ApiError. */
export type Offloaded<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };

/**
 * A body parsed in a worker: `body` is the rest, with x and grad_output replaced by the
 * placeholder 0 for the route schema to check (at most MAX_JSON_DEPTH deep, so it crosses the
 * thread boundary safely); the tensors are decoded into arena regions the event loop gave, and
 * only their shapes come back. Nothing of their size touches the event loop's heap, whose
 * collector would otherwise pause it for every large body.
 */
export interface ParsedJsonBody {
  body: unknown;
  x?: Tensor;
  gradOutput?: Tensor;
}

/** What the worker answers: the rest of the body, and the shapes of the tensors it wrote. */
export interface ParsedShapes {
  body: unknown;
  x?: number[];
  gradOutput?: number[];
}

export interface ParseTask {
  /** The body's bytes in the arena. */
  bytes: ArenaArray;
  maxElements: number;
  /** Where x and grad_output go: float64 regions of `maxElements` (or fewer, the most the body can hold). */
  x: ArenaArray;
  gradOutput?: ArenaArray;
}

export interface EncodeTask {
  /** The answer's text before and after the tensor, built on the event loop (small). */
  head: string;
  tail: string;
  /** The tensor's field name, for the 422 of a non-finite value. */
  field: string;
  dtype: Dtype;
  data: ArenaArray;
  shape: number[];
  /** Where the text goes: a region of the arena large enough for it. */
  out: ArenaArray;
}

const TENSOR_FIELDS = [['x', 'x'], ['grad_output', 'gradOutput']] as const;

function failure(err: unknown): { ok: false; code: ErrorCode; message: string } {
  if (err instanceof ApiError) return { ok: false, code: err.code, message: err.message };
  throw err;
}

/** Parses the body and decodes its tensors into their regions, or reports the ApiError the event loop would have thrown. */
export function parseOffloaded(task: ParseTask, views: ArenaViews): Offloaded<ParsedShapes> {
  try {
    const body = parseJsonBytes(views.bytes.subarray(task.bytes.offset, task.bytes.offset + task.bytes.length), task.maxElements);
    const result: ParsedShapes = { body };
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return { ok: true, value: result };
    const fields = body as Record<string, unknown>;
    for (const [field, key] of TENSOR_FIELDS) {
      const region = task[key];
      if (fields[field] === undefined || region === undefined) continue;
      const into = arrayAt(views, 'float64', region) as Float64Array;
      result[key] = [...decodeTensor(fields[field], field, task.maxElements, into).shape];
      fields[field] = 0;
    }
    return { ok: true, value: result };
  } catch (err) {
    return failure(err);
  }
}

/** Writes the answer's JSON text into its region; the length written, or undefined once cancelled. */
export function encodeOffloaded(task: EncodeTask, views: ArenaViews, cancelled: () => boolean): Offloaded<number> | undefined {
  const out = Buffer.from(views.buffer, task.out.offset, task.out.length);
  try {
    const length = writeAnswerJson(out, task.head, arrayAt(views, task.dtype, task.data), task.shape, task.field, task.tail, cancelled);
    return length === undefined ? undefined : { ok: true, value: length };
  } catch (err) {
    return failure(err);
  }
}

/** The value of an offloaded result, or its error rethrown as the ApiError it was. */
export function unwrap<T>(result: Offloaded<T>): T {
  if (result.ok) return result.value;
  throw new ApiError(result.code, result.message);
}
