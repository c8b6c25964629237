// The compute service: runs a request inline or split across the worker pool, under its lease, with deadlines.
import type { ActivationDefinition, Dtype, FloatArray, Gradient, Kink, ParamGrads, ParamValues, Tensor } from '../core/definition.js';
import { sizeOf } from '../core/tensor.js';
import { ApiError } from '../errors.js';
import { Arena, type Region } from '../memory/arena.js';
import { dtypeOf, floatArray, refOf, type ArenaArray } from '../memory/views.js';
import { unwrap, type Offloaded, type ParsedJsonBody, type ParsedShapes, type ParseTask } from '../transport/json-offload.js';
import { maxTensorJsonBytes } from '../transport/json-text.js';
import { Admission, type Lease } from './admission.js';
import { blockwise, runWhole, type KernelJob } from './blocks.js';
import type { ComputeHealth, ComputeService, ComputeStats, TaskRecord } from './compute.js';
import { backwardWork, forwardWork, runsInline } from './crossover.js';
import { WorkerPool } from './pool.js';
import { ComputeAbortedError, PoolRunner } from './runner.js';
import type { SliceTask } from './slice.js';
import { rowLayout, slices, sumParamGrads, type Slice } from './split.js';

export interface PooledComputeOptions {
  threads: number;
  /** Requests admitted beyond the thread count. */
  queue: number;
  /** Work (elements x cost class) below which a request runs inline. */
  inlineMaxWork: number;
  budgetBytes: number;
  /** Fault the whole arena in at start (a budget the service owns: see Arena.prefault). */
  prefault?: boolean;
  /** A task running longer is asked to stop, and its worker replaced if it does not. */
  taskTimeoutMs: number;
  /** Old-generation heap limit of each worker, in MiB. */
  workerHeapMb?: number;
}

/**
 * Arrays smaller than this stay on the JavaScript heap; larger ones are arena regions, whose pages
 * are reused from one request to the next (a fresh 4 MB buffer costs ~1 ms of page faults here).
 */
export const ARENA_MIN_BYTES = 64 * 1024;

/** Inline work above this (~0.5 ms at 1.3 ns per unit) runs block by block (blocks.ts). */
export const SLICE_WORK = 1 << 19;

/** The longest stretch of blocks an inline computation runs before the event loop gets a turn. */
export const SLICE_MS = 2;

/** Stalled or without workers this long past a deadline and its grace: liveness fails. */
const STUCK_FACTOR = 3;

type TaskCall = Pick<TaskRecord, 'function' | 'operation' | 'elements' | 'where'>;

/**
 * The moments of one call: posted to the pool, the first slice taken by a worker (inline: the
 * kernel began). Read at the end: never started means it waited until then; never posted (inline)
 * means no wait.
 */
class TaskClock {
  posted = 0;
  started = 0;

  readonly start = (): void => {
    if (this.started === 0) this.started = performance.now();
  };

  /** Marks the tasks posted now; answers the callback for the moment a worker takes the first. */
  posting(): () => void {
    this.posted = performance.now();
    return this.start;
  }
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class PooledCompute implements ComputeService {
  readonly #pool: WorkerPool;
  readonly #admission: Admission;
  readonly #threads: number;
  readonly #inlineMaxWork: number;
  readonly #runner: PoolRunner;
  #noWorkersSince: number | undefined;
  readonly #taskListeners: ((task: TaskRecord) => void)[] = [];

  constructor(options: PooledComputeOptions) {
    const slots = options.threads + options.queue;
    const arena = new Arena(options.budgetBytes);
    if (options.prefault) arena.prefault();
    const flags = new SharedArrayBuffer(Math.max(1, slots) * Int32Array.BYTES_PER_ELEMENT);
    this.#admission = new Admission({ slots, budgetBytes: options.budgetBytes, arena, flags: new Int32Array(flags) });
    this.#pool = new WorkerPool({ threads: options.threads, memory: { arena: arena.buffer, flags }, heapLimitMb: options.workerHeapMb });
    this.#threads = options.threads;
    this.#inlineMaxWork = options.inlineMaxWork;
    this.#runner = new PoolRunner(this.#pool, options.taskTimeoutMs);
  }

  get pool(): WorkerPool {
    return this.#pool;
  }

  reserve(bytes: number): Lease {
    return this.#admission.reserve(bytes);
  }

  forward(def: ActivationDefinition, x: Tensor, params: ParamValues, lease?: Lease): Promise<Tensor> {
    const n = x.data.length;
    const work = forwardWork(def, n);
    const inline = runsInline(work, this.#inlineMaxWork, this.#copyBytes(x.data));
    const call: TaskCall = { function: def.name, operation: 'forward', elements: n, where: inline ? 'inline' : 'pool' };
    const outShape = def.outputShape?.(x.shape, params as never) ?? x.shape;
    const outSize = sizeOf(outShape);
    const ownBytes = (n + outSize) * x.data.BYTES_PER_ELEMENT;
    return this.#call(call, lease, ownBytes, async (own, clock) => {
      const out = this.#array(own, x.data, outSize);
      const job: KernelJob = { op: 'forward', def, x, params, kink: 'torch', out };
      if (inline) await this.#inline(job, work, own.lease, clock);
      else await this.#inPool(job, own.lease, clock);
      return { data: own.keep(out), shape: outShape };
    });
  }

  backward(def: ActivationDefinition, x: Tensor, gradOutput: Tensor, params: ParamValues, kink: Kink, lease?: Lease): Promise<Gradient> {
    const n = x.data.length;
    const work = backwardWork(def, n);
    const inline = runsInline(work, this.#inlineMaxWork, this.#copyBytes(x.data) + this.#copyBytes(gradOutput.data));
    const call: TaskCall = { function: def.name, operation: 'backward', elements: n, where: inline ? 'inline' : 'pool' };
    const ownBytes = (2 * n + gradOutput.data.length) * x.data.BYTES_PER_ELEMENT;
    return this.#call(call, lease, ownBytes, async (own, clock) => {
      const out = this.#array(own, x.data, n);
      const job: KernelJob = { op: 'backward', def, x, gradOutput, params, kink, out };
      const gradParams = inline ? await this.#inline(job, work, own.lease, clock) : await this.#inPool(job, own.lease, clock);
      return { gradInput: { data: own.keep(out), shape: x.shape }, gradParams: gradParams! };
    });
  }

  array(like: FloatArray, length: number, lease?: Lease): FloatArray {
    if (lease === undefined) return like instanceof Float32Array ? new Float32Array(length) : new Float64Array(length);
    return this.#array({ lease }, like, length);
  }

  async parseJson(def: ActivationDefinition, body: Region, maxElements: number, gradient: boolean, lease: Lease): Promise<ParsedJsonBody> {
    const call: TaskCall = { function: def.name, operation: 'parse', elements: 0, where: 'pool' };
    return this.#call(call, lease, 0, async (own, clock) => {
      // A body of n bytes holds at most n/2 numbers ("0,"): regions of that many float64, at most maxElements.
      const capacity = Math.max(1, Math.min(maxElements, Math.ceil(body.bytes / 2)));
      const region = () => lease.alloc(capacity * Float64Array.BYTES_PER_ELEMENT);
      const regions = { x: region(), gradOutput: gradient ? region() : undefined };
      const ref = (r: Region) => ({ offset: r.offset, length: capacity });
      const task: ParseTask = { bytes: { offset: body.offset, length: body.bytes }, maxElements, x: ref(regions.x), gradOutput: regions.gradOutput && ref(regions.gradOutput) };
      const shapes = unwrap((await this.#runner.runAll([task], 'parseJson', own.lease, clock.posting()))[0] as Offloaded<ParsedShapes>);
      if (shapes.gradOutput === undefined && regions.gradOutput) lease.free(regions.gradOutput);
      const tensor = (shape: number[] | undefined, r: Region | undefined): Tensor | undefined =>
        shape === undefined || r === undefined ? undefined : { data: floatArray('float64', lease.arena.buffer, r.offset, sizeOf(shape)), shape };
      return { body: shapes.body, x: tensor(shapes.x, regions.x), gradOutput: tensor(shapes.gradOutput, regions.gradOutput) };
    });
  }

  async encodeJson(def: ActivationDefinition, head: string, tensor: Tensor, field: string, tail: string, lease: Lease): Promise<Buffer> {
    const n = tensor.data.length;
    const call: TaskCall = { function: def.name, operation: 'encode', elements: n, where: 'pool' };
    return this.#call(call, lease, 0, async (own, clock) => {
      const data = this.#inArena(lease, tensor.data);
      const region = lease.alloc(Buffer.byteLength(head) + Buffer.byteLength(tail) + maxTensorJsonBytes(n, tensor.shape.length));
      const task = {
        head,
        tail,
        field,
        dtype: dtypeOf(tensor.data),
        data,
        shape: [...tensor.shape],
        out: { offset: region.offset, length: region.bytes },
      };
      const length = unwrap((await this.#runner.runAll([task], 'encodeJson', own.lease, clock.posting()))[0] as Offloaded<number>);
      return lease.arena.bytesOf(region, length);
    });
  }

  stats(): ComputeStats {
    const queued = this.#pool.queueSize;
    const arena = this.#admission.arena.stats();
    return {
      threads: this.#threads,
      liveWorkers: this.#pool.threads.length,
      busy: Math.max(0, this.#runner.pending - queued),
      queued,
      inFlight: this.#admission.inFlight,
      capacity: this.#admission.capacity,
      workerExits: this.#pool.workerExits,
      timeouts: this.#runner.timeouts,
      budgetBytes: this.#admission.budget,
      reservedBytes: this.#admission.reservedBytes,
      leases: this.#admission.leases,
      arenaBytes: arena.size,
      arenaInUseBytes: arena.inUse,
      arenaHighWaterBytes: arena.highWater,
    };
  }

  health(): ComputeHealth {
    const now = performance.now();
    const stuckAfter = STUCK_FACTOR * this.#runner.recoveryMs;
    const noWorkers = this.#threads > 0 && this.#pool.threads.length === 0;
    if (!noWorkers) this.#noWorkersSince = undefined;
    else this.#noWorkersSince ??= now;
    const overdue = this.#runner.oldestOverdue();
    const stuck = (overdue !== undefined && now - overdue > stuckAfter) || (this.#noWorkersSince !== undefined && now - this.#noWorkersSince > stuckAfter);
    return { noWorkers, stalled: overdue !== undefined, stuck };
  }

  saturated(): boolean {
    return this.#admission.full || this.#admission.memoryFull || (this.#threads > 0 && this.#pool.threads.length === 0);
  }

  onTask(listener: (task: TaskRecord) => void): void {
    this.#taskListeners.push(listener);
  }

  /** Bytes the pool path would copy into the arena: arrays that live elsewhere. */
  #copyBytes(data: FloatArray): number {
    return refOf(this.#admission.arena.buffer, data) === undefined ? data.byteLength : 0;
  }

  /**
   * Runs `compute` under the caller's lease, or a lease of its own of `ownBytes` released at the end
   * (whose arena arrays `keep` copies out), with a compute slot taken, and reports the call to the
   * task listeners however it ends. A call whose lease is already cancelled is reported aborted; one
   * refused at admission (503) throws before anything is timed and is not reported.
   */
  async #call<T>(
    call: TaskCall,
    lease: Lease | undefined,
    ownBytes: number,
    compute: (own: { lease: Lease; keep: (a: FloatArray) => FloatArray }, clock: TaskClock) => Promise<T>,
  ): Promise<T> {
    const clock = new TaskClock();
    if (lease?.cancelled) {
      this.#report(call, clock, 'aborted');
      throw new ComputeAbortedError();
    }
    const owned = lease === undefined;
    const active = lease ?? this.#admission.reserve(ownBytes);
    try {
      active.enter();
    } catch (err) {
      if (owned) active.release();
      throw err;
    }
    const arena = this.#admission.arena.buffer;
    const keep = owned ? (a: FloatArray) => (a.buffer === arena ? a.slice() : a) : (a: FloatArray) => a;
    let outcome: TaskRecord['outcome'] = 'error';
    try {
      const result = await compute({ lease: active, keep }, clock);
      outcome = 'ok';
      return result;
    } catch (err) {
      if (err instanceof ComputeAbortedError) outcome = 'aborted';
      else if (err instanceof ApiError && err.code === 'RECTIFIER_TIMEOUT') outcome = 'timeout';
      throw err;
    } finally {
      if (owned) active.release();
      this.#report(call, clock, outcome);
    }
  }

  #report(call: TaskCall, clock: TaskClock, outcome: TaskRecord['outcome']): void {
    if (this.#taskListeners.length === 0) return;
    const end = performance.now();
    const started = clock.started || end;
    const posted = clock.posted || started;
    const task: TaskRecord = {
      function: call.function,
      operation: call.operation,
      elements: call.elements,
      where: call.where,
      waitSeconds: (started - posted) / 1000,
      runSeconds: (end - started) / 1000,
      outcome,
    };
    for (const listener of this.#taskListeners) listener(task);
  }

  /** An output array like `like`: an arena region of the lease when large, else on the heap. */
  #array(own: { lease: Lease }, like: FloatArray, length: number): FloatArray {
    const bytes = length * like.BYTES_PER_ELEMENT;
    if (bytes < ARENA_MIN_BYTES) return like instanceof Float32Array ? new Float32Array(length) : new Float64Array(length);
    const region = own.lease.alloc(bytes);
    return floatArray(dtypeOf(like), this.#admission.arena.buffer, region.offset, length);
  }

  /** Where `data` sits in the arena, copied into a region of the lease first when it lives elsewhere. */
  #inArena(lease: Lease, data: FloatArray): ArenaArray {
    const ref = refOf(this.#admission.arena.buffer, data);
    if (ref !== undefined) return ref;
    const region = lease.alloc(Math.max(1, data.byteLength));
    floatArray(dtypeOf(data), this.#admission.arena.buffer, region.offset, data.length).set(data);
    return { offset: region.offset, length: data.length };
  }

  /**
   * The kernel on the event loop: in one call when small, else block by block, the event loop
   * taking a turn whenever a stretch of blocks has run SLICE_MS, and stopping there once the lease
   * is cancelled.
   */
  async #inline(job: KernelJob, work: number, lease: Lease, clock: TaskClock): Promise<ParamGrads | null> {
    clock.start();
    if (work <= SLICE_WORK) return runWhole(job);
    const blocks = blockwise(job);
    let step = blocks.next();
    let since = performance.now();
    while (!step.done) {
      if (performance.now() - since >= SLICE_MS) {
        await yieldToLoop();
        if (lease.cancelled) throw new ComputeAbortedError();
        since = performance.now();
      }
      step = blocks.next();
    }
    return step.value;
  }

  /** The job cut into one slice per thread (as far as its rows allow), every array in the arena. */
  async #inPool(job: KernelJob, lease: Lease, clock: TaskClock): Promise<ParamGrads | null> {
    const { op, def, x, gradOutput, params, kink, out } = job;
    const dtype: Dtype = dtypeOf(x.data);
    const xs = this.#inArena(lease, x.data);
    const gs = gradOutput && this.#inArena(lease, gradOutput.data);
    const os = this.#inArena(lease, out);
    const size = x.data.BYTES_PER_ELEMENT;
    const part = (ref: ArenaArray, start: number, end: number): ArenaArray => ({ offset: ref.offset + start * size, length: end - start });
    const outSize = op === 'forward' ? out.length : gradOutput!.data.length;
    const tasks: SliceTask[] = this.#slices(def, x.shape, params, outSize).map((s) => ({
      op,
      name: def.name,
      dtype,
      x: part(xs, s.inStart, s.inEnd),
      gradOutput: gs && part(gs, s.outStart, s.outEnd),
      out: op === 'forward' ? part(os, s.outStart, s.outEnd) : part(os, s.inStart, s.inEnd),
      shape: s.shape,
      params,
      kink,
      slot: lease.slot,
    }));
    const parts = await this.#runner.runAll(tasks, undefined, lease, clock.posting());
    // An output that had to be copied into the arena is copied back.
    if (os.offset !== refOf(this.#admission.arena.buffer, out)?.offset) {
      out.set(floatArray(dtype, this.#admission.arena.buffer, os.offset, out.length));
    }
    return op === 'forward' ? null : sumParamGrads(parts as ParamGrads[]);
  }

  #slices(def: ActivationDefinition, shape: readonly number[], params: ParamValues, outSize: number): Slice[] {
    return slices(rowLayout(def, shape, params, outSize), this.#threads, shape);
  }
}

