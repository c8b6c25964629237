// The process entry: reads config, builds the app, listens, and drains on SIGTERM/SIGINT before exiting.
import { Server } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { apiKeys } from './auth.js';
import { loadConfig, type Config } from './config.js';
import { listenProbes, type ProbeListener } from './probes/listener.js';

/**
 * How long keep-alive sockets may stay idle once draining began. A busy client has sent a request
 * and got `Connection: close` by then; what is left is idle, and closing it loses nothing.
 */
const IDLE_GRACE_MS = 1000;

/**
 * Readiness fails and the listener closes at once; answers carry `Connection: close`; idle
 * keep-alive sockets are closed after a grace; when the last connection ends the app (and its
 * pool) closes and the process exits 0. Past DRAIN_TIMEOUT_MS it exits 1 with work unfinished.
 */
function drain(app: FastifyInstance, config: Config, signal: string, probes: ProbeListener | undefined): void {
  app.drain.begin();
  probes?.publish();
  app.log.info({ signal, drainTimeoutMs: config.DRAIN_TIMEOUT_MS }, 'draining');
  const deadline = setTimeout(() => {
    app.log.error({ drainTimeoutMs: config.DRAIN_TIMEOUT_MS }, 'drain deadline passed, exiting with work unfinished');
    process.exit(1);
  }, config.DRAIN_TIMEOUT_MS);
  deadline.unref();
  const idleGrace = setTimeout(() => app.server.closeIdleConnections(), IDLE_GRACE_MS);
  // Not http.Server#close: since Node 19 it also closes idle keep-alive sockets at once, including
  // one whose client has just sent its next request, which is then lost.
  Server.prototype.close.call(app.server, () => {
    clearTimeout(idleGrace);
    app.close().then(
      () => {
        void (probes?.close() ?? Promise.resolve()).finally(() => {
          app.log.info('drained');
          process.exit(0);
        });
      },
      (err: unknown) => {
        app.log.error({ err }, 'error while closing');
        process.exit(1);
      },
    );
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await buildApp(config);
  // The probes' thread first: whoever waits for the main port can probe as soon as it answers.
  const probes = await listenProbes(app, config);
  await app.listen({ port: config.PORT, host: config.HOST });
  if (apiKeys(config).length === 0 && !['127.0.0.1', '::1', 'localhost'].includes(config.HOST)) {
    app.log.warn({ host: config.HOST }, 'listening beyond loopback without API_KEYS: anyone who reaches this port can use it');
  }
  const stats = app.compute.stats();
  app.log.info({ threads: stats.threads, capacity: stats.capacity, memoryBudgetBytes: stats.budgetBytes }, 'ready');
  const onSignal = (signal: NodeJS.Signals) => {
    if (!app.drain.draining) return drain(app, config, signal, probes);
    // A second signal (a second Ctrl-C) means: do not wait.
    app.log.warn({ signal }, 'second signal while draining, exiting now');
    process.exit(1);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
