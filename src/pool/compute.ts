// The compute service the routes call: runs a definition inline or in the worker pool.
import type { ParsedJsonBody } from '../transport/json-offload.js';
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
  /**
   * Workers that exited since the start other than by closing the pool: a crash, or a worker ended
   * because the task it was running was aborted (its client went away). Each is replaced.
   */
  workerExits: number;
}

/** One forward or backward call that ended, as the compute service reports it to onTask listeners. */
export interface TaskRecord {
  /** The activation's name. */
  function: string;
  operation: 'forward' | 'backward';
  /** Elements of the input tensor. */
  elements: number;
  /** On the event loop, or split across workers of the pool. */
  where: 'inline' | 'pool';
  /** From posting to the pool until a worker took the first slice; 0 inline. */
  waitSeconds: number;
  /** From then until the kernel (inline) or the last slice (pool) ended. */
  runSeconds: number;
  /** 'aborted': the caller's signal fired (the client went away); 'error': the computation threw. */
  outcome: 'ok' | 'aborted' | 'error';
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
  /**
   * Calls `listener` once per forward or backward call when it has ended, however it ended; a call
   * refused with 503 computed nothing and is not reported. Listeners run synchronously on the
   * call's path and must not throw.
   */
  onTask(listener: (task: TaskRecord) => void): void;
  /**
   * Parses a large JSON body in a worker, its tensors decoded onto shared memory; rejects with the
   * ApiError the inline path would have thrown (invalid JSON, ragged x, too many elements...).
   */
  parseJson(bytes: Buffer, maxElements: number): Promise<ParsedJsonBody>;
  /** The JSON text of a large answer (answerText in a worker): the same bytes as inline. */
  encodeJson(answer: Record<string, unknown>, tensorFields: string[]): Promise<Buffer>;
}

declare module 'fastify' {
  interface FastifyInstance {
    compute: ComputeService;
  }
}
