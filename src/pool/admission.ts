// Admission control: a memory budget and a bound on compute requests in flight; a lease per admitted request.
import { ApiError } from '../errors.js';
import type { Arena, Region } from '../memory/arena.js';

const MiB = 1024 * 1024;

export interface AdmissionOptions {
  /** Compute requests in flight at once: threads + queue. */
  slots: number;
  /** Bytes all leases together may reserve. */
  budgetBytes: number;
  arena: Arena;
  /** One cancellation flag per slot, shared with the workers. */
  flags: Int32Array;
}

const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

/**
 * Memory and compute slots. A request reserves its memory (its declared body, its working buffers,
 * its answer) before its body is read, and is refused at once when that does not fit the budget
 * now (503, retry) or ever (413). It takes one of `slots` compute slots when it computes; past
 * that it is refused with a 503 instead of piling up latency nobody waits for. piscina's maxQueue
 * is ignored for tasks that carry an AbortSignal, which is one more reason the bound is kept here.
 */
export class Admission {
  readonly capacity: number;
  readonly budget: number;
  readonly arena: Arena;
  readonly flags: Int32Array;
  readonly #freeSlots: number[];
  #reserved = 0;
  #leases = 0;

  constructor(options: AdmissionOptions) {
    this.capacity = options.slots;
    this.budget = options.budgetBytes;
    this.arena = options.arena;
    this.flags = options.flags;
    this.#freeSlots = Array.from({ length: options.slots }, (_, i) => options.slots - 1 - i);
  }

  /** Compute slots taken. */
  get inFlight(): number {
    return this.capacity - this.#freeSlots.length;
  }

  get full(): boolean {
    return this.#freeSlots.length === 0;
  }

  get reservedBytes(): number {
    return this.#reserved;
  }

  /** Requests holding a lease: reading their body, computing, or writing their answer. */
  get leases(): number {
    return this.#leases;
  }

  /** True when the free budget is under a floor (1/64 of it, at least 1 MiB): most requests would be refused. */
  get memoryFull(): boolean {
    return this.budget - this.#reserved < Math.max(MiB, this.budget / 64);
  }

  /**
   * A lease on `bytes` of the budget, or an ApiError: RECTIFIER_BODY_TOO_LARGE (413) when the
   * request could never fit, RECTIFIER_OVERLOADED (503) when every compute slot or the memory is
   * taken now. Every lease must be released once.
   */
  reserve(bytes: number): Lease {
    if (bytes > this.budget) {
      throw new ApiError(
        'RECTIFIER_BODY_TOO_LARGE',
        `this request needs about ${mib(bytes)} of working memory (body, buffers and answer), more than the ` +
          `memory budget of ${mib(this.budget)} (MEMORY_BUDGET_BYTES); send a smaller batch`,
      );
    }
    if (this.full) throw this.#slotsTaken();
    if (!this.tryReserve(bytes)) throw this.#memoryTaken();
    this.#leases++;
    return new Lease(this, bytes);
  }

  /** @internal More bytes for a lease, if they fit. */
  tryReserve(bytes: number): boolean {
    if (this.#reserved + bytes > this.budget) return false;
    this.#reserved += bytes;
    return true;
  }

  /** @internal */
  unreserve(bytes: number): void {
    this.#reserved -= bytes;
  }

  /** @internal A compute slot, its cancellation flag cleared; RECTIFIER_OVERLOADED when none is free. */
  takeSlot(): number {
    const slot = this.#freeSlots.pop();
    if (slot === undefined) throw this.#slotsTaken();
    Atomics.store(this.flags, slot, 0);
    return slot;
  }

  /** @internal */
  end(slot: number): void {
    if (slot >= 0) this.#freeSlots.push(slot);
    this.#leases--;
  }

  #slotsTaken(): ApiError {
    return new ApiError(
      'RECTIFIER_OVERLOADED',
      `the service is at capacity (${this.capacity} requests in flight); retry after the Retry-After delay`,
    );
  }

  #memoryTaken(): ApiError {
    return new ApiError(
      'RECTIFIER_OVERLOADED',
      `the memory budget is in use (${mib(this.#reserved)} of ${mib(this.budget)} reserved); retry after the Retry-After delay`,
    );
  }
}

/**
 * One request's share: reserved bytes, arena regions, a compute slot once it computes, and its
 * cancellation. Released when the answer has been written or the client has gone; what it holds
 * is given back only once no work of the request is left running, since a worker may still be
 * writing into its regions.
 */
export class Lease {
  readonly #admission: Admission;
  #bytes: number;
  #slot = -1;
  #allocated = 0;
  readonly #regions: Region[] = [];
  #cancelled = false;
  #cancelListeners: Array<() => void> | undefined;
  #pending = 0;
  #released = false;
  #ended = false;

  constructor(admission: Admission, bytes: number) {
    this.#admission = admission;
    this.#bytes = bytes;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** The compute slot, -1 before enter(). It indexes the cancellation flag that workers read. */
  get slot(): number {
    return this.#slot;
  }

  get cancelled(): boolean {
    return this.#cancelled;
  }

  get arena(): Arena {
    return this.#admission.arena;
  }

  /** Takes a compute slot (once; later calls return it); RECTIFIER_OVERLOADED when none is free. */
  enter(): number {
    if (this.#slot < 0) {
      this.#slot = this.#admission.takeSlot();
      if (this.#cancelled) Atomics.store(this.#admission.flags, this.#slot, 1);
    }
    return this.#slot;
  }

  /**
   * A region of the arena for this request. Past the reserved bytes the lease grows, if the budget
   * allows; RECTIFIER_OVERLOADED when it does not or when the arena has no extent that large.
   */
  alloc(bytes: number): Region {
    const missing = Math.max(0, this.#allocated + bytes - this.#bytes);
    if (missing > 0 && !this.#admission.tryReserve(missing)) throw overloaded('the memory budget is in use');
    const region = this.#admission.arena.alloc(bytes);
    if (region === undefined) {
      this.#admission.unreserve(missing);
      throw overloaded('no free stretch of the buffer arena is large enough');
    }
    this.#bytes += missing;
    this.#allocated += bytes;
    this.#regions.push(region);
    return region;
  }

  /** Gives a region back before the lease ends (a large JSON body once it is parsed). */
  free(region: Region): void {
    const i = this.#regions.indexOf(region);
    if (i < 0) return;
    this.#regions.splice(i, 1);
    this.#allocated -= region.bytes;
    this.#admission.arena.free(region);
  }

  /** Lowers the reservation to `bytes` (never below what its regions hold): once the real size is known. */
  shrink(bytes: number): void {
    const target = Math.max(bytes, this.#allocated);
    if (target >= this.#bytes) return;
    this.#admission.unreserve(this.#bytes - target);
    this.#bytes = target;
  }

  /** The client went away: workers stop at their next block, queued work is dropped. */
  cancel(): void {
    // Once ended, its slot may be another request's.
    if (this.#cancelled || this.#ended) return;
    this.#cancelled = true;
    if (this.#slot >= 0) Atomics.store(this.#admission.flags, this.#slot, 1);
    for (const listener of this.#cancelListeners ?? []) listener();
  }

  /** Calls `listener` on cancel(); the returned function removes it. */
  onCancel(listener: () => void): () => void {
    const list = (this.#cancelListeners ??= []);
    list.push(listener);
    return () => {
      const i = list.indexOf(listener);
      if (i >= 0) list.splice(i, 1);
    };
  }

  /** Keeps the lease's memory until `work` settles (a task in a worker, a thread still stopping). */
  hold(work: Promise<unknown>): void {
    this.#pending++;
    const done = () => {
      this.#pending--;
      this.#maybeEnd();
    };
    work.then(done, done);
  }

  /** The request is over (answered, or its client gone); what it holds goes back once nothing runs. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#maybeEnd();
  }

  #maybeEnd(): void {
    if (!this.#released || this.#pending > 0 || this.#ended) return;
    this.#ended = true;
    for (const region of this.#regions) this.#admission.arena.free(region);
    this.#regions.length = 0;
    this.#admission.unreserve(this.#bytes);
    this.#admission.end(this.#slot);
  }
}

function overloaded(why: string): ApiError {
  return new ApiError('RECTIFIER_OVERLOADED', `${why}; retry after the Retry-After delay`);
}
