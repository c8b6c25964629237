// The worker thread's entry: runs slices with the core kernels, and parses and encodes large JSON.
// Imports the pure core and transport codecs, never Fastify or the pool.
import { createRequire } from 'node:module';
import { workerData } from 'piscina';
import type { ParamGrads } from '../core/definition.js';
import { viewsOf } from '../memory/views.js';
import { encodeOffloaded, parseOffloaded, type EncodeTask, type Offloaded, type ParsedShapes, type ParseTask } from '../transport/json-offload.js';
import { CANCELLED, runSlice, type SliceTask } from './slice.js';
import type { WorkerMemory } from './pool.js';

const memory = workerData as WorkerMemory;
const views = viewsOf(memory.arena);
const flags = new Int32Array(memory.flags);
const cancelledFlag = (slot: number) => () => Atomics.load(flags, slot) !== 0;

/** Every task carries the cancellation slot of its request. */
type Slotted<T> = T & { slot: number };

export default function run(task: SliceTask): ParamGrads | null | typeof CANCELLED {
  return runSlice(task, views, cancelledFlag(task.slot));
}

/**
 * Diagnostic handler (run with `{ name: 'loadedModules' }`): the files in this thread's CommonJS
 * module cache. Fastify and its plugins are CommonJS, and an ES module importing them puts them
 * there too, so a test can prove this thread never loaded them.
 */
export function loadedModules(): string[] {
  return Object.keys(createRequire(import.meta.url).cache);
}

/** Parses a large body (in the arena) and decodes its tensors into their regions; skipped when its client has already gone. */
export function parseJson(task: Slotted<ParseTask>): Offloaded<ParsedShapes> | typeof CANCELLED {
  if (cancelledFlag(task.slot)()) return CANCELLED;
  return parseOffloaded(task, views);
}

/** Writes a large answer's JSON text into its arena region; stops when its client has gone. */
export function encodeJson(task: Slotted<EncodeTask>): Offloaded<number> | typeof CANCELLED {
  return encodeOffloaded(task, views, cancelledFlag(task.slot)) ?? CANCELLED;
}
