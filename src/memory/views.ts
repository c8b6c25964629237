// Typed views on the arena, and arrays named by offset: how a task on another thread finds its memory.
import type { Dtype, FloatArray } from '../core/definition.js';

/** Where an array sits in the arena: its byte offset and its element count. */
export interface ArenaArray {
  offset: number;
  length: number;
}

export interface ArenaViews {
  buffer: SharedArrayBuffer;
  f32: Float32Array;
  f64: Float64Array;
  bytes: Uint8Array;
}

export function viewsOf(buffer: SharedArrayBuffer): ArenaViews {
  return { buffer, f32: new Float32Array(buffer), f64: new Float64Array(buffer), bytes: new Uint8Array(buffer) };
}

export function dtypeOf(data: FloatArray): Dtype {
  return data instanceof Float32Array ? 'float32' : 'float64';
}

/** A float array of `length` elements of `dtype` over `buffer` from `byteOffset` (no copy). */
export function floatArray(dtype: Dtype, buffer: ArrayBufferLike, byteOffset: number, length: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(buffer, byteOffset, length) : new Float64Array(buffer, byteOffset, length);
}

/** The array a task names (offsets are multiples of the element size: regions start on pages). */
export function arrayAt(views: ArenaViews, dtype: Dtype, ref: ArenaArray): FloatArray {
  const all = dtype === 'float32' ? views.f32 : views.f64;
  const start = ref.offset / all.BYTES_PER_ELEMENT;
  return all.subarray(start, start + ref.length);
}

/** The offset and length of an array on the arena, or undefined when it lives elsewhere. */
export function refOf(buffer: SharedArrayBuffer, data: FloatArray): ArenaArray | undefined {
  return data.buffer === buffer ? { offset: data.byteOffset, length: data.length } : undefined;
}
