// The JSON work a worker can take off the event loop: parsing a large body and encoding a large answer.
import type { Tensor } from '../core/definition.js';
import { ApiError, type ErrorCode } from '../errors.js';
import { answerText, decodeTensor } from './json.js';

/** A worker's result: errors cross the thread as plain data and are rethrown as ApiError. */
export type Offloaded<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };

/** A body parsed in a worker; its tensors live on SharedArrayBuffers, so they cross back uncopied. */
export interface ParsedJsonBody {
  /** The body with x and grad_output replaced by the placeholder 0, for the route schema to check. */
  body: unknown;
  x?: Tensor;
  gradOutput?: Tensor;
}

const TENSOR_FIELDS = [['x', 'x'], ['grad_output', 'gradOutput']] as const;

export function parseJsonBody(bytes: Uint8Array, maxElements: number): Offloaded<ParsedJsonBody> {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (err) {
    return { ok: false, code: 'RECTIFIER_INVALID_JSON', message: `the body is not valid JSON: ${(err as Error).message}` };
  }
  const result: ParsedJsonBody = { body };
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { ok: true, value: result };
  const fields = body as Record<string, unknown>;
  try {
    for (const [field, key] of TENSOR_FIELDS) {
      if (fields[field] === undefined) continue;
      result[key] = decodeTensor(fields[field], field, maxElements, true);
      fields[field] = 0;
    }
  } catch (err) {
    return failure(err);
  }
  return { ok: true, value: result };
}

export function encodeJsonAnswer(answer: Record<string, unknown>, tensorFields: readonly string[]): Offloaded<Uint8Array> {
  try {
    // TextEncoder gives an array that owns its whole ArrayBuffer, so the worker can transfer it.
    return { ok: true, value: new TextEncoder().encode(answerText(answer, tensorFields)) };
  } catch (err) {
    return failure(err);
  }
}

function failure(err: unknown): { ok: false; code: ErrorCode; message: string } {
  if (err instanceof ApiError) return { ok: false, code: err.code, message: err.message };
  throw err;
}

/** The value of an offloaded result, or its error rethrown as the ApiError it was. */
export function unwrap<T>(result: Offloaded<T>): T {
  if (result.ok) return result.value;
  throw new ApiError(result.code, result.message);
}
