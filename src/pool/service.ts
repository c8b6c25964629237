// The compute service: admits a request, runs it inline or split across the worker pool, cancels it.
import type { ActivationDefinition, FloatArray, Gradient, Kink, ParamGrads, ParamValues, Tensor } from '../core/definition.js';
import { sizeOf } from '../core/tensor.js';
import { unwrap, type Offloaded, type ParsedJsonBody } from '../transport/json-offload.js';
import { Admission } from './admission.js';
import type { ComputeService, ComputeStats, TaskRecord } from './compute.js';
import { backwardWork, forwardWork, runsInline } from './crossover.js';
import type { WorkerPool } from './pool.js';
import { shared, sharedLike, unsharedBytes } from './shared.js';
import { backwardInto, forwardInto, type SliceTask } from './slice.js';
import { rowLayout, slices, sumParamGrads, type Slice } from './split.js';

export interface PooledComputeOptions {
  threads: number;
  /** Requests admitted beyond the thread count. */
  queue: number;
  /** Work (elements x cost class) below which a request runs inline. */
  inlineMaxWork: number;
}

/** What a cancelled call rejects with: the caller's signal fired; nobody waits for an answer. */
export class ComputeAbortedError extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('the computation was cancelled');
  }
}

/** What is known of a call before it runs: a TaskRecord without its times and outcome. */
type TaskCall = Pick<TaskRecord, 'function' | 'operation' | 'elements' | 'where'>;

/** The moments of one call: its slices posted, the first taken by a worker (inline: the kernel began), the end. */
class TaskClock {
  #posted: number | undefined;
  #started: number | undefined;

  /** The slices are handed to the pool: they queue from now. */
  post(): void {
    this.#posted = performance.now();
  }

  /** Only the first call counts: the first slice (or the inline kernel) started. */
  readonly start = (): void => {
    this.#started ??= performance.now();
  };

  /** Read at the end: never started means it waited until now; never posted (inline) means no wait. */
  times(): Pick<TaskRecord, 'waitSeconds' | 'runSeconds'> {
    const end = performance.now();
    const started = this.#started ?? end;
    const posted = this.#posted ?? started;
    return { waitSeconds: (started - posted) / 1000, runSeconds: (end - started) / 1000 };
  }
}

function newArrayLike(data: FloatArray, length: number): FloatArray {
  return data instanceof Float32Array ? new Float32Array(length) : new Float64Array(length);
}

export class PooledCompute implements ComputeService {
  readonly #pool: WorkerPool;
  readonly #threads: number;
  readonly #inlineMaxWork: number;
  readonly #admission: Admission;
  /** Slices posted to the pool and not yet settled. */
  #tasks = 0;
  readonly #taskListeners: ((task: TaskRecord) => void)[] = [];

  constructor(pool: WorkerPool, options: PooledComputeOptions) {
    this.#pool = pool;
    this.#threads = options.threads;
    this.#inlineMaxWork = options.inlineMaxWork;
    this.#admission = new Admission(options.threads + options.queue);
  }

  async forward(def: ActivationDefinition, x: Tensor, params: ParamValues, signal?: AbortSignal): Promise<Tensor> {
    const inline = runsInline(forwardWork(def, x.data.length), this.#inlineMaxWork, unsharedBytes(x.data));
    const call: TaskCall = { function: def.name, operation: 'forward', elements: x.data.length, where: inline ? 'inline' : 'pool' };
    return this.#admitted(call, signal, async (clock) => {
      const outShape = def.outputShape?.(x.shape, params as never) ?? x.shape;
      const outSize = sizeOf(outShape);
      if (inline) {
        const out = newArrayLike(x.data, outSize);
        clock.start();
        forwardInto(def, x, params, out);
        return { data: out, shape: outShape };
      }
      const xs = shared(x.data);
      const out = sharedLike(x.data, outSize);
      await this.#runAll(
        this.#slices(def, x.shape, params, outSize).map((s) => ({
          op: 'forward',
          name: def.name,
          x: xs.subarray(s.inStart, s.inEnd),
          shape: s.shape,
          params,
          out: out.subarray(s.outStart, s.outEnd),
        })),
        signal,
        clock,
      );
      return { data: out, shape: outShape };
    });
  }

  async backward(
    def: ActivationDefinition,
    x: Tensor,
    gradOutput: Tensor,
    params: ParamValues,
    kink: Kink,
    signal?: AbortSignal,
  ): Promise<Gradient> {
    const copyBytes = unsharedBytes(x.data) + unsharedBytes(gradOutput.data);
    const inline = runsInline(backwardWork(def, x.data.length), this.#inlineMaxWork, copyBytes);
    const call: TaskCall = { function: def.name, operation: 'backward', elements: x.data.length, where: inline ? 'inline' : 'pool' };
    return this.#admitted(call, signal, async (clock) => {
      if (inline) {
        const out = newArrayLike(x.data, x.data.length);
        clock.start();
        const gradParams = backwardInto(def, x, gradOutput, params, kink, out);
        return { gradInput: { data: out, shape: x.shape }, gradParams };
      }
      const xs = shared(x.data);
      const gs = shared(gradOutput.data);
      const out = sharedLike(x.data, x.data.length);
      const parts = await this.#runAll(
        this.#slices(def, x.shape, params, gs.length).map((s) => ({
          op: 'backward',
          name: def.name,
          x: xs.subarray(s.inStart, s.inEnd),
          gradOutput: gs.subarray(s.outStart, s.outEnd),
          shape: s.shape,
          params,
          kink,
          out: out.subarray(s.inStart, s.inEnd),
        })),
        signal,
        clock,
      );
      return { gradInput: { data: out, shape: x.shape }, gradParams: sumParamGrads(parts as ParamGrads[]) };
    });
  }

  stats(): ComputeStats {
    const queued = this.#pool.queueSize;
    return {
      threads: this.#threads,
      liveWorkers: this.#pool.threads.length,
      busy: Math.max(0, this.#tasks - queued),
      queued,
      inFlight: this.#admission.inFlight,
      capacity: this.#admission.capacity,
      workerExits: this.#pool.workerExits,
    };
  }

  saturated(): boolean {
    return this.#admission.full || this.#pool.threads.length === 0;
  }

  onTask(listener: (task: TaskRecord) => void): void {
    this.#taskListeners.push(listener);
  }

  /** A large body's JSON.parse and tensor walk in a worker; it holds an admission slot meanwhile. */
  async parseJson(bytes: Buffer, maxElements: number): Promise<ParsedJsonBody> {
    this.#admission.enter();
    try {
      const result = (await this.#pool.run({ bytes, maxElements }, { name: 'parseJson' })) as Offloaded<ParsedJsonBody>;
      return unwrap(result);
    } finally {
      this.#admission.leave();
    }
  }

  /** Not admitted again: the answer of a request already admitted and computed must not be lost. */
  async encodeJson(answer: Record<string, unknown>, tensorFields: string[]): Promise<Buffer> {
    const result = (await this.#pool.run({ answer, tensorFields }, { name: 'encodeJson' })) as Uint8Array | Offloaded<never>;
    const bytes = result instanceof Uint8Array ? result : unwrap(result);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /**
   * Admits a call, computes it and reports it to the task listeners however it ends. A call whose
   * signal has already fired takes no slot and is reported aborted; one refused at admission (503)
   * throws before anything is timed and is not reported.
   */
  async #admitted<T>(call: TaskCall, signal: AbortSignal | undefined, compute: (clock: TaskClock) => Promise<T>): Promise<T> {
    const clock = new TaskClock();
    if (signal?.aborted) {
      this.#report(call, clock, 'aborted');
      throw new ComputeAbortedError();
    }
    this.#admission.enter();
    let outcome: TaskRecord['outcome'] = 'error';
    try {
      const result = await compute(clock);
      outcome = 'ok';
      return result;
    } catch (err) {
      if (err instanceof ComputeAbortedError) outcome = 'aborted';
      throw err;
    } finally {
      this.#admission.leave();
      this.#report(call, clock, outcome);
    }
  }

  #report(call: TaskCall, clock: TaskClock, outcome: TaskRecord['outcome']): void {
    if (this.#taskListeners.length === 0) return;
    const task: TaskRecord = { ...call, ...clock.times(), outcome };
    for (const listener of this.#taskListeners) listener(task);
  }

  /** A batch in the pool is cut into one slice per thread (as far as its rows allow). */
  #slices(def: ActivationDefinition, shape: readonly number[], params: ParamValues, outSize: number): Slice[] {
    return slices(rowLayout(def, shape, params, outSize), this.#threads, shape);
  }

  /**
   * Posts every slice with the caller's signal and waits until all have settled, so the admission
   * slot is given back only when no slice of the request is left in the pool. An abort takes
   * queued slices out of piscina's queue and ends the threads running the others (piscina then
   * starts replacements). The clock learns when the first slice reaches a worker.
   */
  async #runAll(tasks: SliceTask[], signal: AbortSignal | undefined, clock: TaskClock): Promise<unknown[]> {
    this.#tasks += tasks.length;
    clock.post();
    const settled = await Promise.allSettled(
      tasks.map((task) =>
        this.#pool.runObserved(task, { signal }, clock.start).finally(() => {
          this.#tasks--;
        }),
      ),
    );
    if (signal?.aborted) throw new ComputeAbortedError();
    const results: unknown[] = [];
    for (const s of settled) {
      if (s.status === 'rejected') throw s.reason;
      results.push(s.value);
    }
    return results;
  }
}
