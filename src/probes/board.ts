// The probe board: shared memory the main thread writes its state on and the probe thread reads.
// Pure: the probe thread imports it.

export const READINESS = ['ready', 'draining', 'saturated', 'no_workers', 'stalled'] as const;
export type Readiness = (typeof READINESS)[number];
export const LIVENESS = ['ok', 'stuck'] as const;
export type Liveness = (typeof LIVENESS)[number];

/**
 * A main thread that has not written for this long has not had a turn of its event loop: not
 * ready (stalled). Writes come every PUBLISH_MS, so a second is ten missed turns.
 */
export const READY_STALE_MS = 1000;
/** ...and for this long, it will not recover by itself: not live (an orchestrator restarts it). */
export const LIVE_STALE_MS = 30_000;
/** How often the main thread writes (probes.ts). */
export const PUBLISH_MS = 100;

/** Layout: [0] the last write's Date.now(), as a BigInt64; then Int32 readiness and liveness codes. */
const BYTES = 16;

export function createBoard(): SharedArrayBuffer {
  return new SharedArrayBuffer(BYTES);
}

export function publish(board: SharedArrayBuffer, ready: Readiness, live: Liveness, now = Date.now()): void {
  const codes = new Int32Array(board, 8, 2);
  Atomics.store(codes, 0, READINESS.indexOf(ready));
  Atomics.store(codes, 1, LIVENESS.indexOf(live));
  Atomics.store(new BigInt64Array(board, 0, 1), 0, BigInt(now));
}

/** What the probes answer: the main thread's last word, unless it is too old to be true. */
export function read(board: SharedArrayBuffer, now = Date.now()): { ready: Readiness; live: Liveness } {
  const written = Number(Atomics.load(new BigInt64Array(board, 0, 1), 0));
  const codes = new Int32Array(board, 8, 2);
  const age = now - written;
  const live = age > LIVE_STALE_MS ? 'stuck' : LIVENESS[Atomics.load(codes, 1)];
  const ready = age > READY_STALE_MS ? 'stalled' : READINESS[Atomics.load(codes, 0)];
  return { ready, live };
}
