// The compute service the routes call: admits a request, runs a definition inline or in the worker pool.
import type { ActivationDefinition, FloatArray, Gradient, Kink, ParamValues, Tensor } from '../core/definition.js';
import type { Region } from '../memory/arena.js';
import type { ParsedJsonBody } from '../transport/json-offload.js';
import type { Lease } from './admission.js';

export interface ComputeStats {
  /** Worker threads configured and currently alive. */
  threads: number;
  liveWorkers: number;
  /** Tasks running in workers and waiting in the queue. */
  busy: number;
  queued: number;
  /** Compute slots taken (requests computing or writing their answer), and the admission limit. */
  inFlight: number;
  capacity: number;
  /**
   * Workers that exited since the start other than by closing the pool: a crash, a heap past its
   * limit, or a task past its deadline. Each is replaced.
   */
  workerExits: number;
  /** Tasks that ran past TASK_TIMEOUT_MS since the start. */
  timeouts: number;
  /** The memory budget, the bytes leases reserve now, and the leases (requests holding memory). */
  budgetBytes: number;
  reservedBytes: number;
  leases: number;
  /** The buffer arena: its size, the bytes of its live regions, the most it ever held at once. */
  arenaBytes: number;
  arenaInUseBytes: number;
  arenaHighWaterBytes: number;
}

/** Whether the service can make progress; readiness and liveness are read from it. */
export interface ComputeHealth {
  /** No worker is alive (threads > 0). */
  noWorkers: boolean;
  /** A task runs past its deadline now: the pool is stopping or replacing its worker. */
  stalled: boolean;
  /** Stalled, or without workers, for much longer than a replacement takes: only a restart helps. */
  stuck: boolean;
}

/** One call that ended, as the compute service reports it to onTask listeners. */
export interface TaskRecord {
  /** The activation's name. */
  function: string;
  /** A kernel pass, or the parse of a large JSON body or the encoding of a large JSON answer. */
  operation: 'forward' | 'backward' | 'parse' | 'encode';
  /** Elements of the input tensor (0 for a parse: not known before it). */
  elements: number;
  /** On the event loop, or in workers of the pool. */
  where: 'inline' | 'pool';
  /** From posting to the pool until a worker took the first slice; 0 inline. */
  waitSeconds: number;
  /** From then until the kernel (inline) or the last slice (pool) ended. */
  runSeconds: number;
  /** 'aborted': the client went away; 'timeout': past TASK_TIMEOUT_MS; 'error': it threw. */
  outcome: 'ok' | 'aborted' | 'timeout' | 'error';
}

export interface ComputeService {
  /**
   * A lease on `bytes` of the memory budget, before a request's body is read: RECTIFIER_BODY_TOO_LARGE
   * (413) when it can never fit, RECTIFIER_OVERLOADED (503) when memory or compute slots are taken.
   */
  reserve(bytes: number): Lease;
  /**
   * Forward pass under the request's lease (its compute slot is taken here: 503 when none is free);
   * the output lives as long as the lease. Without a lease the call takes one of its own and answers
   * an array of its own. Rejects with an error named 'AbortError' once the lease is cancelled (the
   * client has gone), and with RECTIFIER_TIMEOUT (503) past the task deadline.
   */
  forward(def: ActivationDefinition, x: Tensor, params: ParamValues, lease?: Lease): Promise<Tensor>;
  backward(def: ActivationDefinition, x: Tensor, gradOutput: Tensor, params: ParamValues, kink: Kink, lease?: Lease): Promise<Gradient>;
  /** An array of `like`'s element type: a region of the lease's arena when large, else on the heap. */
  array(like: FloatArray, length: number, lease?: Lease): FloatArray;
  /**
   * Parses a large JSON body (a region of the lease) in a worker and decodes its tensors into
   * regions of the lease; rejects with the ApiError the event loop would have thrown (invalid JSON,
   * ragged x, too many elements...).
   */
  parseJson(def: ActivationDefinition, body: Region, maxElements: number, gradient: boolean, lease: Lease): Promise<ParsedJsonBody>;
  /** The bytes of `head`, the tensor's JSON text and `tail`, written in a worker into a region of the lease. */
  encodeJson(def: ActivationDefinition, head: string, tensor: Tensor, field: string, tail: string, lease: Lease): Promise<Buffer>;
  stats(): ComputeStats;
  health(): ComputeHealth;
  /** True when a new request would be refused (compute slots or memory taken) or no worker is alive. */
  saturated(): boolean;
  /**
   * Calls `listener` once per call when it has ended, however it ended; a call refused with 503
   * computed nothing and is not reported. Listeners run synchronously on the call's path and must
   * not throw.
   */
  onTask(listener: (task: TaskRecord) => void): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    compute: ComputeService;
  }
}
