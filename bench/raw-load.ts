// A keep-alive node:http load loop that discards answer bodies: the client for multi-megabyte answers.
//
// autocannon 9 appends every body chunk to a string (measured here); with 4 MB binary answers the load
// generator, not the server, would set the pace. Here each of N connections sends the same request
// back to back and only counts the answer's bytes.
import { Agent, request } from 'node:http';
import { summarize, type LatencySummary } from './latencies.js';

export interface RawRequest {
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: number;
  ms: number;
}

export interface LoadResult {
  /** Answers 2xx, counted in the rates and latencies. */
  ok: number;
  /** Answers with another status, and failed requests (connection errors, timeouts). */
  failed: number;
  /** The first failure, to say why. */
  firstFailure?: string;
  reqPerSec: number;
  latency: LatencySummary;
}

const REQUEST_TIMEOUT_MS = 60_000;

/** Sends one request on `agent` and resolves when the answer's last byte arrived; the body is dropped. */
export function send(agent: Agent, req: RawRequest): Promise<Answer> {
  const url = new URL(req.path, req.origin);
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const outgoing = request(
      {
        agent,
        hostname: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: 'POST',
        headers: { ...req.headers, 'content-length': String(req.body.length) },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes, ms: performance.now() - start }));
        res.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

/**
 * Runs `connections` loops of back-to-back requests until `durationMs` has passed; a request under
 * way then still completes and counts, and the rate is taken over the time until the last one ends
 * (with a few slow answers, dropping the unfinished ones would understate the rate).
 */
export async function rawLoad(req: RawRequest, connections: number, durationMs: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let failed = 0;
  let firstFailure: string | undefined;
  const start = performance.now();
  const end = start + durationMs;
  const loop = async () => {
    while (performance.now() < end) {
      try {
        const answer = await send(agent, req);
        if (answer.status >= 200 && answer.status < 300) {
          latencies.push(answer.ms);
        } else {
          failed++;
          firstFailure ??= `status ${answer.status}`;
        }
      } catch (err) {
        failed++;
        firstFailure ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: connections }, loop));
  } finally {
    agent.destroy();
  }
  const elapsedS = (performance.now() - start) / 1000;
  return { ok: latencies.length, failed, firstFailure, reqPerSec: latencies.length / elapsedS, latency: summarize(latencies) };
}
