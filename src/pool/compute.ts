// The compute service the routes call: runs a definition inline or in the worker pool.
import type { ActivationDefinition, Gradient, Kink, ParamValues, Tensor } from '../core/definition.js';

export interface ComputeStats {
  /** Worker threads configured and currently alive. */
  threads: number;
  liveWorkers: number;
  /** Tasks running in workers and waiting in the queue. */
  busy: number;
  queued: number;
  /** Requests admitted and not yet answered (inline and pool), and the admission limit. */
  inFlight: number;
  capacity: number;
}

export interface ComputeService {
  /**
   * Forward pass; rejects with ApiError RECTIFIER_OVERLOADED (503) beyond the admission limit, and
   * with an error named 'AbortError' once `signal` fires (the client has gone; nothing to answer).
   */
  forward(def: ActivationDefinition, x: Tensor, params: ParamValues, signal?: AbortSignal): Promise<Tensor>;
  backward(
    def: ActivationDefinition,
    x: Tensor,
    gradOutput: Tensor,
    params: ParamValues,
    kink: Kink,
    signal?: AbortSignal,
  ): Promise<Gradient>;
  stats(): ComputeStats;
  /** True when a new request would be refused (in flight at capacity) or no worker is alive. */
  saturated(): boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    compute: ComputeService;
  }
}
