// Runs a request's tasks in the worker pool: cancelled without ending workers, stopped past their deadline.
import { once } from 'node:events';
import { ApiError } from '../errors.js';
import type { Lease } from './admission.js';
import type { WorkerPool } from './pool.js';
import { CANCELLED } from './slice.js';

/**
 * After a task's deadline, how long it has to notice its cancellation flag before its worker is
 * ended: a second, or the deadline itself when that is shorter.
 */
export const KILL_GRACE_MS = 1000;

/** A worker that does not exit this long after it was told to is given up on (its memory stays held until then). */
const EXIT_WAIT_MS = 10_000;

/** What a cancelled call rejects with: the client went away; nobody waits for an answer. */
export class ComputeAbortedError extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('the computation was cancelled');
  }
}

/** A rejection meaning the deadline passed: the task was stopped or its worker ended. */
function timeoutError(ms: number): ApiError {
  return new ApiError('RECTIFIER_TIMEOUT', `the computation did not finish within ${ms} ms (TASK_TIMEOUT_MS); retry with a smaller batch`);
}

/**
 * A task that failed in the pool. A worker that ran out of heap is an overload of the moment (503,
 * retry); an ApiError is the request's; anything else is a bug and stays a 500.
 */
function workerFailure(reason: unknown): unknown {
  if (reason instanceof ApiError) return reason;
  if ((reason as { code?: string } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new ApiError('RECTIFIER_OVERLOADED', 'a worker ran out of memory computing this request; retry after the Retry-After delay');
  }
  return reason;
}

export class PoolRunner {
  readonly #pool: WorkerPool;
  readonly #timeoutMs: number;
  /** Tasks posted and not yet settled. */
  #pending = 0;
  #timeouts = 0;
  /** When each task past its deadline was dispatched. */
  readonly #overdue = new Set<{ since: number }>();

  constructor(pool: WorkerPool, timeoutMs: number) {
    this.#pool = pool;
    this.#timeoutMs = timeoutMs;
  }

  get pending(): number {
    return this.#pending;
  }

  /** Tasks that ran past their deadline since the start. */
  get timeouts(): number {
    return this.#timeouts;
  }

  /** The deadline and its grace: how long a stuck task may take to be ended. */
  get recoveryMs(): number {
    return this.#timeoutMs + Math.min(KILL_GRACE_MS, this.#timeoutMs);
  }

  /** When the oldest task running past its deadline was dispatched (performance.now()), if any. */
  oldestOverdue(): number | undefined {
    let oldest: number | undefined;
    for (const task of this.#overdue) oldest = Math.min(oldest ?? task.since, task.since);
    return oldest;
  }

  /**
   * Posts every task (handler `name`, each with the lease's cancellation slot) and waits until all
   * have settled, so the lease's memory is given back only when no task of the request is left in
   * the pool. Cancellation (the client gone) takes queued tasks out of piscina's queue and raises
   * the flag that running ones read between blocks; workers are never ended for it. A task past
   * its deadline is flagged too, and its worker ended if it has not stopped after its grace.
   * `onStart` is called when a worker takes a task.
   */
  async runAll(tasks: object[], name: string | undefined, lease: Lease, onStart: () => void): Promise<unknown[]> {
    let timedOut = false;
    const settled = await Promise.allSettled(
      tasks.map((task) => this.#post({ ...task, slot: lease.slot }, name, lease, onStart, () => (timedOut = true))),
    );
    if (timedOut) throw timeoutError(this.#timeoutMs);
    if (lease.cancelled) throw new ComputeAbortedError();
    const results: unknown[] = [];
    for (const s of settled) {
      if (s.status === 'rejected') throw workerFailure(s.reason);
      if (s.value === CANCELLED) throw new ComputeAbortedError();
      results.push(s.value);
    }
    return results;
  }

  #post(task: object, name: string | undefined, lease: Lease, onStart: () => void, onTimeout: () => void): Promise<unknown> {
    const control = new AbortController();
    let threadId = -1;
    let deadline: NodeJS.Timeout | undefined;
    let overdue: { since: number } | undefined;
    // Queued: leave the queue (piscina ends no worker for a task that has not started).
    const stopListening = lease.onCancel(() => {
      if (threadId < 0) control.abort();
    });
    this.#pending++;
    const run = this.#pool.runObserved(task, { name, signal: control.signal }, (id) => {
      threadId = id;
      onStart();
      const since = performance.now();
      deadline = setTimeout(() => {
        this.#timeouts++;
        overdue = { since };
        this.#overdue.add(overdue);
        onTimeout();
        lease.cancel();
        deadline = setTimeout(() => {
          // Still running: end the worker. Its memory is held until the thread has really stopped.
          const thread = this.#pool.thread(threadId);
          control.abort();
          if (thread) lease.hold(Promise.race([once(thread, 'exit'), new Promise((r) => setTimeout(r, EXIT_WAIT_MS))]));
        }, Math.min(KILL_GRACE_MS, this.#timeoutMs));
      }, this.#timeoutMs);
    });
    lease.hold(run);
    const settle = () => {
      clearTimeout(deadline);
      if (overdue) this.#overdue.delete(overdue);
      stopListening();
      this.#pending--;
    };
    run.then(settle, settle);
    return run;
  }
}
