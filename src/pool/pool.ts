// The piscina pool of worker threads that run the kernels, with its worker file resolved here.
import type { Worker } from 'node:worker_threads';
import { Piscina, queueOptionsSymbol } from 'piscina';
import { workerExecArgv, workerFile } from '../worker-file.js';

/** worker.js beside dist/pool/pool.js when compiled; worker.ts beside src/pool/pool.ts from the sources. */
export const WORKER_FILE = workerFile(import.meta.url, 'worker');

/** What every worker receives once, at start: the arena and the requests' cancellation flags. */
export interface WorkerMemory {
  arena: SharedArrayBuffer;
  /** One Int32 per admission slot: non-zero asks the task of that slot to stop. */
  flags: SharedArrayBuffer;
}

type PiscinaOptions = NonNullable<ConstructorParameters<typeof Piscina>[0]>;
type RunOptions = NonNullable<Parameters<Piscina['run']>[1]>;

/** What a task carries to the balancer (and never to the worker, see firstIdleWorker). */
interface DispatchHook {
  onDispatch(threadId: number): void;
}

/**
 * piscina's default balancer (least busy) reduced to what it does with one task per worker: the
 * first idle worker, or none and the task waits. Written out because the balancer is the one place
 * that sees a task handed to a worker: it is shown the task's queue options (the object under
 * piscina's queueOptionsSymbol), and a symbol-keyed property is not structured-cloned, so the
 * hook stays on this thread.
 */
const firstIdleWorker: NonNullable<PiscinaOptions['loadBalancer']> = (task, workers) => {
  const idle = workers.find((worker) => worker.currentUsage === 0) ?? null;
  if (idle !== null) (task[queueOptionsSymbol] as Partial<DispatchHook> | null)?.onDispatch?.(idle.id);
  return idle;
};

export interface WorkerPoolOptions {
  threads: number;
  memory: WorkerMemory;
  /** Old-generation heap of each worker, in MiB: past it a worker ends (its task fails) and is replaced. */
  heapLimitMb?: number;
}

/** A fixed-size pool: every thread starts now and a thread that dies is replaced. */
export class WorkerPool extends Piscina {
  #closing = false;
  #workerExits = 0;

  constructor(options: WorkerPoolOptions) {
    super({
      filename: WORKER_FILE,
      minThreads: options.threads,
      maxThreads: options.threads,
      execArgv: workerExecArgv(WORKER_FILE),
      workerData: options.memory,
      resourceLimits: options.heapLimitMb === undefined ? undefined : { maxOldGenerationSizeMb: options.heapLimitMb },
      // Our own admission bounds the queue (maxQueue is ignored for tasks with an AbortSignal).
      maxQueue: Infinity,
      // Run-time histograms are not read; recording them costs a little on every task.
      recordTiming: false,
      loadBalancer: firstIdleWorker,
    });
    // piscina ends a worker when it crashes or runs out of heap, when a task running on it is
    // aborted (here: only past its deadline), and all of them on close(); all but the last say
    // something about the service.
    this.on('workerDestroy', () => {
      if (!this.#closing) this.#workerExits++;
    });
  }

  /** Workers that exited while the pool was open: crashed, out of heap, or ended past a deadline. */
  get workerExits(): number {
    return this.#workerExits;
  }

  /** The live thread of that id, if any. */
  thread(threadId: number): Worker | undefined {
    return this.threads.find((w) => w.threadId === threadId);
  }

  /** Runs `task` and calls `onDispatch` with the thread's id the moment a worker is given it (not when it is queued). */
  runObserved(task: object, options: RunOptions, onDispatch: (threadId: number) => void): Promise<unknown> {
    const hook: DispatchHook = { onDispatch };
    return this.run({ ...task, [queueOptionsSymbol]: hook }, options);
  }

  override close(options?: Parameters<Piscina['close']>[0]): Promise<void> {
    this.#closing = true;
    return super.close(options);
  }
}
