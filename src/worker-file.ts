// Where a worker thread's entry file is, compiled or from the sources, and the flags it starts with.
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** `name.js` beside the calling module when compiled (dist/), `name.ts` when run from the sources. */
export function workerFile(moduleUrl: string, name: string): string {
  const here = fileURLToPath(moduleUrl);
  return join(dirname(here), `${name}${extname(here)}`);
}

/**
 * Compiled, workers need no flags: an empty list, so that loaders the parent was started with
 * (e.g. a monitoring --import of the benchmarks) are not forced on them. From the .ts
 * sources they would inherit the parent's TypeScript loader the same way (tap's is an `--import`
 * in execArgv), but tap's loader brings the TypeScript compiler into every thread: ~2 s of CPU per
 * worker on this machine, against ~0.3 s with tsx (esbuild), which the scripts already use.
 */
export function workerExecArgv(file: string): string[] | undefined {
  if (extname(file) !== '.ts') return [];
  try {
    const tsx = pathToFileURL(createRequire(file).resolve('tsx')).href;
    return ['--enable-source-maps', `--import=${tsx}`];
  } catch {
    return undefined; // no tsx: inherit whatever loader runs the sources
  }
}

/**
 * A worker thread running `file`. A .ts entry is started through ts-worker-boot.cjs, which
 * requires it once the TypeScript loader of workerExecArgv is in place (piscina's workers load our
 * .ts files by require too).
 */
export function newWorker(file: string, options: Omit<WorkerOptions, 'eval' | 'execArgv' | 'argv'>): Worker {
  const execArgv = workerExecArgv(file);
  if (extname(file) !== '.ts') return new Worker(file, { ...options, execArgv });
  return new Worker(join(dirname(fileURLToPath(import.meta.url)), 'ts-worker-boot.cjs'), { ...options, execArgv, argv: [file] });
}
