// Drives a scenario with autocannon's API, keeping its own latency samples at sub-millisecond resolution.
import autocannon from 'autocannon';
import { summarize } from './latencies.js';
import type { LoadResult, RawRequest } from './raw-load.js';

/**
 * autocannon's own latency histogram holds whole milliseconds, which reads 0 or 1 for a small JSON
 * request; its 'response' event carries the fractional time, recorded here for 2xx answers. The
 * rate is autocannon's count of answers over its duration.
 */
export async function autocannonLoad(req: RawRequest, connections: number, durationMs: number): Promise<LoadResult> {
  const latencies: number[] = [];
  const instance = autocannon({
    url: new URL(req.path, req.origin).href,
    method: 'POST',
    headers: req.headers,
    body: req.body,
    connections,
    duration: durationMs / 1000,
    timeout: 30,
    // The default 1 s would stretch a 0.3 s warm-up to 1 s: the run only ends at a sample.
    sampleInt: 100,
  });
  instance.on('response', (_client, statusCode, _resBytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
  });
  const result = await instance;
  const failed = result.non2xx + result.errors + result.timeouts;
  const statuses = Object.keys(result.statusCodeStats).filter((code) => !code.startsWith('2'));
  return {
    ok: latencies.length,
    failed,
    firstFailure: failed === 0 ? undefined : `statuses ${statuses.join(',') || '-'}, ${result.errors} errors, ${result.timeouts} timeouts`,
    reqPerSec: latencies.length / result.duration,
    latency: summarize(latencies),
  };
}
