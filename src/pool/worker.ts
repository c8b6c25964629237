// The worker thread's entry: runs slices with the core kernels, and parses and encodes large JSON;
// imports the pure core and transport codecs, never Fastify or the pool.
import { createRequire } from 'node:module';
import { runSlice, type SliceTask } from './slice.js';
import type { ParamGrads } from '../core/definition.js';
import { move } from 'piscina';
import { encodeJsonAnswer, parseJsonBody, type Offloaded, type ParsedJsonBody } from '../transport/json-offload.js';

export default function run(task: SliceTask): ParamGrads | null {
  return runSlice(task);
}

/**
 * Diagnostic handler (run with `{ name: 'loadedModules' }`): the files in this thread's CommonJS
 * module cache. Fastify and its plugins are CommonJS, and an ES module importing them puts them
 * there too, so a test can prove this thread never loaded them.
 */
export function loadedModules(): string[] {
  return Object.keys(createRequire(import.meta.url).cache);
}

/** Parses a large JSON body (on shared memory) and decodes its tensors onto shared memory. */
export function parseJson(task: { bytes: Uint8Array; maxElements: number }): Offloaded<ParsedJsonBody> {
  return parseJsonBody(task.bytes, task.maxElements);
}

/**
 * The JSON text of a large answer, moved (not copied) back to the event loop: the bytes themselves
 * on success (piscina transfers only a top-level moved value), the failure otherwise.
 */
export function encodeJson(task: { answer: Record<string, unknown>; tensorFields: string[] }): Uint8Array | Offloaded<never> {
  const result = encodeJsonAnswer(task.answer, task.tensorFields);
  return result.ok ? (move(result.value) as Uint8Array) : result;
}
