// The hostile clients of bench/hostile.ts, run as a child process so that their sockets and 4 MiB writes do not delay the parent's probe timers.
//
//   node --import tsx bench/hostile-client.ts burst <origin> <durationMs>
//   node --import tsx bench/hostile-client.ts abort <origin> <durationMs> <count>
//
// burst: waves of BURST_CONNECTIONS concurrent fresh connections (agent: false), each POSTing a
// 1M-element float32 binary gelu, until durationMs has passed (the wave under way then finishes).
// abort: `count` fresh connections spread over durationMs, each sending a 400k-element float64
// binary gelu and then abandoning it: even ones send the whole body and destroy the socket
// 0–20 ms later (while the answer is computed), odd ones send half the body and reset (RST).
//
// Started by bench/hostile.ts with an IPC channel: it sends {type: 'started'} and then one result
// message, and exits when the channel closes (the parent died) or its own deadline passes.
import { request, type ClientRequest } from 'node:http';
import { pathToFileURL } from 'node:url';
import { float32Body } from './payloads.js';

export const BURST_CONNECTIONS = 300;
export const BURST_ELEMENTS = 1 << 20;
export const ABORT_ELEMENTS = 400_000;
/** Per burst request: the server's REQUEST_TIMEOUT_MS in the manifest. */
const BURST_REQUEST_TIMEOUT_MS = 30_000;
/** The child exits on its own this long after its nominal duration. */
const CHILD_GRACE_MS = 60_000;

export const BURST_HEADERS = {
  'content-type': 'application/octet-stream',
  'x-dtype': 'float32',
  accept: 'application/octet-stream',
};

export const ABORT_HEADERS = {
  'content-type': 'application/octet-stream',
  'x-dtype': 'float64',
  accept: 'application/octet-stream',
};

/** `count` little-endian float64 values in [-4, 4): the float32 values of float32Body, widened. */
export function float64Body(count: number, seed = 1): Buffer {
  const f32 = float32Body(count, seed);
  const wide = Float64Array.from(new Float32Array(f32.buffer, f32.byteOffset, count));
  return Buffer.from(wide.buffer, wide.byteOffset, wide.byteLength);
}

export interface BurstResult {
  type: 'burst';
  waves: number;
  requests: number;
  elapsedMs: number;
  /** status code (as text) or error kind → count */
  outcomes: Record<string, number>;
  /** 200 answers whose byte length was not the body's */
  shortAnswers: number;
}

export interface AbortResult {
  type: 'abort';
  elapsedMs: number;
  /** whole body sent, socket destroyed before the answer had fully arrived */
  midComputeAborted: number;
  /** whole body sent, but the answer arrived in full before the random delay ran out */
  midComputeAnsweredFirst: number;
  /** half the body sent, then RST */
  midBodyReset: number;
  /** half the body, but the server answered (an error) before the half was flushed */
  midBodyAnsweredFirst: number;
  /** connection errors before the abort was even attempted */
  errors: Record<string, number>;
}

export type ClientMessage = { type: 'started' } | BurstResult | AbortResult;

function errorKind(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code ?? (err instanceof Error ? err.message : String(err));
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** One burst request on a fresh connection; resolves with its status or error kind, never rejects. */
function burstRequest(url: URL, body: Buffer): Promise<{ outcome: string; short: boolean }> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: string, short = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ outcome, short });
    };
    const req = request(
      {
        agent: false,
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { ...BURST_HEADERS, 'content-length': String(body.length) },
      },
      (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        res.on('end', () => done(String(res.statusCode), res.statusCode === 200 && bytes !== body.length));
        res.on('error', (err) => done(`${res.statusCode} then ${errorKind(err)}`));
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error('timeout'));
      done('timeout');
    }, BURST_REQUEST_TIMEOUT_MS);
    // A 503 at admission closes the connection while the body is still being written: the answer,
    // when it was read first, counts; an EPIPE/ECONNRESET after it is expected and ignored.
    req.on('error', (err) => done(`reset, no answer (${errorKind(err)})`));
    req.end(body);
  });
}

async function burst(origin: string, durationMs: number): Promise<BurstResult> {
  const url = new URL('/activations/gelu', origin);
  const body = float32Body(BURST_ELEMENTS);
  const outcomes: Record<string, number> = {};
  let shortAnswers = 0;
  let waves = 0;
  let requests = 0;
  const start = performance.now();
  process.send?.({ type: 'started' } satisfies ClientMessage);
  while (performance.now() - start < durationMs) {
    const answers = await Promise.all(Array.from({ length: BURST_CONNECTIONS }, () => burstRequest(url, body)));
    waves++;
    for (const { outcome, short } of answers) {
      requests++;
      bump(outcomes, outcome);
      if (short) shortAnswers++;
    }
    process.stderr.write(`burst: wave ${waves} done at ${((performance.now() - start) / 1000).toFixed(1)} s\n`);
  }
  return { type: 'burst', waves, requests, elapsedMs: performance.now() - start, outcomes, shortAnswers };
}

type AbortOutcome = 'midComputeAborted' | 'midComputeAnsweredFirst' | 'midBodyReset' | 'midBodyAnsweredFirst' | { error: string };

/**
 * A request that leaves: `mid-compute` sends the whole body and destroys the socket after 0–20 ms
 * (unless the answer was complete by then); `mid-body` sends half of the body (with the whole
 * body's Content-Length), then a TCP reset.
 */
function abortingRequest(url: URL, body: Buffer, when: 'mid-compute' | 'mid-body'): Promise<AbortOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: AbortOutcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    const req: ClientRequest = request(
      {
        agent: false,
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { ...ABORT_HEADERS, 'content-length': String(body.length) },
      },
      (res) => {
        res.resume();
        res.on('end', () => done(when === 'mid-compute' ? 'midComputeAnsweredFirst' : 'midBodyAnsweredFirst'));
        res.on('error', () => undefined);
      },
    );
    req.on('error', (err) => done({ error: errorKind(err) }));
    if (when === 'mid-compute') {
      req.on('finish', () => {
        setTimeout(() => {
          if (settled) return;
          req.destroy();
          done('midComputeAborted');
        }, Math.random() * 20);
      });
      req.end(body);
      return;
    }
    req.write(body.subarray(0, body.length >> 1), () => {
      if (settled) return;
      const socket = req.socket;
      if (socket !== null) socket.resetAndDestroy();
      else req.destroy();
      done('midBodyReset');
    });
  });
}

async function aborts(origin: string, durationMs: number, count: number): Promise<AbortResult> {
  const url = new URL('/activations/gelu', origin);
  const body = float64Body(ABORT_ELEMENTS);
  const result: AbortResult = {
    type: 'abort',
    elapsedMs: 0,
    midComputeAborted: 0,
    midComputeAnsweredFirst: 0,
    midBodyReset: 0,
    midBodyAnsweredFirst: 0,
    errors: {},
  };
  // Spread over 90 % of the window, so that the last ones still overlap the parent's load.
  const spacingMs = (durationMs * 0.9) / count;
  const start = performance.now();
  process.send?.({ type: 'started' } satisfies ClientMessage);
  const pending: Array<Promise<void>> = [];
  for (let i = 0; i < count; i++) {
    const due = start + i * spacingMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const attempt = abortingRequest(url, body, i % 2 === 0 ? 'mid-compute' : 'mid-body');
    pending.push(
      attempt.then((outcome) => {
        if (typeof outcome === 'string') result[outcome]++;
        else bump(result.errors, outcome.error);
      }),
    );
  }
  await Promise.all(pending);
  result.elapsedMs = performance.now() - start;
  return result;
}

async function main(): Promise<void> {
  const [mode, origin, durationText, countText] = process.argv.slice(2);
  const durationMs = Number(durationText);
  if ((mode !== 'burst' && mode !== 'abort') || !origin?.startsWith('http://127.0.0.1:') || !(durationMs > 0)) {
    throw new Error('usage: hostile-client.ts burst|abort http://127.0.0.1:<port> <durationMs> [count]');
  }
  // Bounded on its own too, and gone with its parent.
  setTimeout(() => {
    process.stderr.write(`${mode}: deadline passed, exiting\n`);
    process.exit(3);
  }, durationMs + CHILD_GRACE_MS).unref();
  process.on('disconnect', () => process.exit(1));

  const result = mode === 'burst' ? await burst(origin, durationMs) : await aborts(origin, durationMs, Number(countText ?? 500));
  if (process.send) {
    await new Promise<void>((resolve, reject) => process.send!(result, (err: Error | null) => (err ? reject(err) : resolve())));
  } else {
    console.log(JSON.stringify(result));
  }
  process.exit(0);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  });
}
