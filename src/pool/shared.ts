// Typed arrays on SharedArrayBuffers: what lets a worker read x and write y without a copy.
import type { FloatArray } from '../core/definition.js';

function isFloat32(data: FloatArray): data is Float32Array {
  return data instanceof Float32Array;
}

/** A zeroed array of `data`'s element type on a new SharedArrayBuffer. */
export function sharedLike(data: FloatArray, length: number): FloatArray {
  return isFloat32(data)
    ? new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT))
    : new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}

export function isShared(data: FloatArray): boolean {
  return data.buffer instanceof SharedArrayBuffer;
}

/** Bytes that shared() would copy. */
export function unsharedBytes(data: FloatArray): number {
  return isShared(data) ? 0 : data.byteLength;
}

/** `data` itself when it already lives on a SharedArrayBuffer, else a shared copy (once). */
export function shared(data: FloatArray): FloatArray {
  if (isShared(data)) return data;
  const copy = sharedLike(data, data.length);
  copy.set(data);
  return copy;
}
