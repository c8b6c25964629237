// Preloaded (--import) into each server the HTTP bench starts: event-loop delay on request over IPC, and exit with the bench.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

/** Event-loop delay since the previous reading, in milliseconds (the message the bench receives). */
export interface EventLoopDelayMessage {
  type: 'event-loop-delay';
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * prom-client's default resolution, so the figures match `nodejs_eventloop_lag_p99_seconds` of
 * GET /metrics: an idle loop reads ~10 ms, and a block of the loop counts as one long sample.
 */
const RESOLUTION_MS = 10;

// Worker threads of the pool inherit --import too; only the main thread has the IPC channel.
if (isMainThread && process.send !== undefined) {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  process.on('message', (message) => {
    if (message !== 'read-event-loop-delay') return;
    const reply: EventLoopDelayMessage = {
      type: 'event-loop-delay',
      samples: histogram.count,
      p50: histogram.percentile(50) / 1e6,
      p99: histogram.percentile(99) / 1e6,
      max: histogram.max / 1e6,
    };
    histogram.reset();
    process.send?.(reply);
  });
  // The channel closes when the bench exits, however it exits (even SIGKILL): no server outlives it.
  process.on('disconnect', () => process.exit(0));
  process.channel?.unref();
}
