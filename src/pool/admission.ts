// Admission control: a bound on compute requests in flight, inline and pooled alike.
import { ApiError } from '../errors.js';

/**
 * piscina's maxQueue is ignored for tasks that carry an AbortSignal (DESIGN §5), and ours all
 * may, so the bound is kept here: threads + queue requests in flight, the rest refused at once
 * with a 503 the client can retry, instead of piling up latency nobody waits for.
 */
export class Admission {
  readonly capacity: number;
  #inFlight = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get full(): boolean {
    return this.#inFlight >= this.capacity;
  }

  /** Takes a slot, or throws RECTIFIER_OVERLOADED; every enter() that returns needs one leave(). */
  enter(): void {
    if (this.#inFlight >= this.capacity) {
      throw new ApiError(
        'RECTIFIER_OVERLOADED',
        `the service is at capacity (${this.capacity} requests in flight); retry after the Retry-After delay`,
      );
    }
    this.#inFlight++;
  }

  leave(): void {
    this.#inFlight--;
  }
}
