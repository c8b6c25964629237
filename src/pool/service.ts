// The compute service: admits a request, runs it inline or split across the worker pool, cancels it.
import type { Piscina } from 'piscina';
import type { ActivationDefinition, FloatArray, Gradient, Kink, ParamGrads, ParamValues, Tensor } from '../core/definition.js';
import { sizeOf } from '../core/tensor.js';
import { Admission } from './admission.js';
import type { ComputeService, ComputeStats } from './compute.js';
import { backwardWork, forwardWork, runsInline } from './crossover.js';
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

function newArrayLike(data: FloatArray, length: number): FloatArray {
  return data instanceof Float32Array ? new Float32Array(length) : new Float64Array(length);
}

export class PooledCompute implements ComputeService {
  readonly #pool: Piscina;
  readonly #threads: number;
  readonly #inlineMaxWork: number;
  readonly #admission: Admission;
  /** Slices posted to the pool and not yet settled. */
  #tasks = 0;

  constructor(pool: Piscina, options: PooledComputeOptions) {
    this.#pool = pool;
    this.#threads = options.threads;
    this.#inlineMaxWork = options.inlineMaxWork;
    this.#admission = new Admission(options.threads + options.queue);
  }

  async forward(def: ActivationDefinition, x: Tensor, params: ParamValues, signal?: AbortSignal): Promise<Tensor> {
    if (signal?.aborted) throw new ComputeAbortedError();
    this.#admission.enter();
    try {
      const outShape = def.outputShape?.(x.shape, params as never) ?? x.shape;
      const outSize = sizeOf(outShape);
      if (runsInline(forwardWork(def, x.data.length), this.#inlineMaxWork, unsharedBytes(x.data))) {
        const out = newArrayLike(x.data, outSize);
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
      );
      return { data: out, shape: outShape };
    } finally {
      this.#admission.leave();
    }
  }

  async backward(
    def: ActivationDefinition,
    x: Tensor,
    gradOutput: Tensor,
    params: ParamValues,
    kink: Kink,
    signal?: AbortSignal,
  ): Promise<Gradient> {
    if (signal?.aborted) throw new ComputeAbortedError();
    this.#admission.enter();
    try {
      const copyBytes = unsharedBytes(x.data) + unsharedBytes(gradOutput.data);
      if (runsInline(backwardWork(def, x.data.length), this.#inlineMaxWork, copyBytes)) {
        const out = newArrayLike(x.data, x.data.length);
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
      );
      return { gradInput: { data: out, shape: x.shape }, gradParams: sumParamGrads(parts as ParamGrads[]) };
    } finally {
      this.#admission.leave();
    }
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
    };
  }

  saturated(): boolean {
    return this.#admission.full || this.#pool.threads.length === 0;
  }

  /** A batch in the pool is cut into one slice per thread (as far as its rows allow). */
  #slices(def: ActivationDefinition, shape: readonly number[], params: ParamValues, outSize: number): Slice[] {
    return slices(rowLayout(def, shape, params, outSize), this.#threads, shape);
  }

  /**
   * Posts every slice with the caller's signal and waits until all have settled, so the admission
   * slot is given back only when no slice of the request is left in the pool. An abort takes
   * queued slices out of piscina's queue and ends the threads running the others (piscina then
   * starts replacements).
   */
  async #runAll(tasks: SliceTask[], signal: AbortSignal | undefined): Promise<unknown[]> {
    this.#tasks += tasks.length;
    const settled = await Promise.allSettled(
      tasks.map((task) =>
        this.#pool.run(task, { signal }).finally(() => {
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
