// Small requests at a fixed rate beside a load: their latency says how long other callers wait on a busy server.
import { Agent } from 'node:http';
import { summarize, type LatencySummary } from './latencies.js';
import { send, type RawRequest } from './raw-load.js';

export interface ProbeResult extends LatencySummary {
  failed: number;
}

export interface Probe {
  /** Stops sending, waits for the answers under way, and summarizes them. */
  stop(): Promise<ProbeResult>;
}

/**
 * Sends `req` every 1000/ratePerSec ms whether or not earlier ones were answered (up to
 * `maxSockets` at once; beyond that they wait in the agent, and that wait counts): a stalled server
 * shows as long latencies, not as fewer samples.
 */
export function startProbe(req: RawRequest, ratePerSec: number, maxSockets = 16): Probe {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const latencies: number[] = [];
  const pending = new Set<Promise<void>>();
  let failed = 0;
  const fire = () => {
    const sent: Promise<void> = send(agent, req).then(
      (answer) => {
        if (answer.status >= 200 && answer.status < 300) latencies.push(answer.ms);
        else failed++;
      },
      () => {
        failed++;
      },
    );
    pending.add(sent);
    void sent.finally(() => pending.delete(sent));
  };
  const timer = setInterval(fire, 1000 / ratePerSec);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(pending);
      agent.destroy();
      return { ...summarize(latencies), failed };
    },
  };
}
