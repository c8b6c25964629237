// The piscina pool of worker threads that run the kernels, with its worker file resolved here.
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';

const here = fileURLToPath(import.meta.url);

/** worker.js beside dist/pool/pool.js when compiled; worker.ts beside src/pool/pool.ts from the sources. */
export const WORKER_FILE = join(dirname(here), `worker${extname(here)}`);

/**
 * Compiled, workers get no flags of their own and so inherit process.execArgv. From the .ts
 * sources they would inherit the parent's TypeScript loader the same way (tap's is an `--import`
 * in execArgv), but tap's loader brings the TypeScript compiler into every thread: ~2 s of CPU per
 * worker on this machine, against ~0.3 s with tsx (esbuild), which the scripts already use.
 */
function workerExecArgv(): string[] | undefined {
  if (extname(here) !== '.ts') return undefined;
  try {
    const tsx = pathToFileURL(createRequire(here).resolve('tsx')).href;
    return ['--enable-source-maps', `--import=${tsx}`];
  } catch {
    return undefined; // no tsx: inherit whatever loader runs the sources
  }
}

/** A fixed-size pool: every thread starts now and a thread that dies is replaced. */
export function createPool(threads: number): Piscina {
  return new Piscina({
    filename: WORKER_FILE,
    minThreads: threads,
    maxThreads: threads,
    execArgv: workerExecArgv(),
    // Our own admission bounds the queue (maxQueue is ignored for tasks with an AbortSignal).
    maxQueue: Infinity,
    // Run-time histograms are not read; recording them costs a little on every task.
    recordTiming: false,
  });
}
