// The worker thread's entry: runs slices with the core kernels; never imports Fastify or the pool.
import { createRequire } from 'node:module';
import { runSlice, type SliceTask } from './slice.js';
import type { ParamGrads } from '../core/definition.js';

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
