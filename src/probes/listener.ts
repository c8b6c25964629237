// HEALTH_PORT: starts the probe thread, writes the app's state on the probe board, answers its /metrics scrapes.
import { once } from 'node:events';
import type { FastifyInstance } from 'fastify';
import { accessCheck, UNAUTHORIZED_MESSAGE } from '../auth.js';
import type { Config } from '../config.js';
import { errorBody } from '../errors.js';
import { timeoutOptions } from '../timeouts.js';
import { newWorker, workerFile } from '../worker-file.js';
import { createBoard, publish, PUBLISH_MS } from './board.js';
import { liveness, readiness } from './state.js';
import type { ProbeThreadData, ToMain, ToProbes } from './thread.js';

const THREAD_FILE = workerFile(import.meta.url, 'thread');

export interface ProbeListener {
  /** Writes the state now (the drain calls it, so probes say "draining" at once). */
  publish(): void;
  close(): Promise<void>;
}

/**
 * Under a burst of hundreds of new connections a probe's connection waits in the main port's
 * accept queue, and its request behind everything the main thread has to read and answer (a
 * burst of 300 uploads of 4 MiB kept it ~100 ms between turns here). On HEALTH_PORT a thread of
 * its own accepts and answers probes from what the main thread last wrote on the board (at most
 * PUBLISH_MS old); a main thread that stops writing turns the probes to stalled, then stuck.
 */
export async function listenProbes(app: FastifyInstance, config: Config): Promise<ProbeListener | undefined> {
  if (config.HEALTH_PORT === 0) return undefined;
  const board = createBoard();
  const write = () => publish(board, readiness(app), liveness(app));
  write();
  const timer = setInterval(write, PUBLISH_MS);
  timer.unref();
  const { requestTimeout, keepAliveTimeout, http } = timeoutOptions(config);
  const data: ProbeThreadData = {
    board,
    host: config.HOST,
    port: config.HEALTH_PORT,
    server: { requestTimeout, headersTimeout: http.headersTimeout ?? requestTimeout, keepAliveTimeout },
  };
  const thread = newWorker(THREAD_FILE, { workerData: data });
  const allowed = accessCheck(config);
  thread.on('message', (message: ToMain) => {
    if (message.type !== 'metrics') return;
    const reply = (answer: Omit<Extract<ToProbes, { type: 'metrics' }>, 'type' | 'id'>) =>
      thread.postMessage({ type: 'metrics', id: message.id, ...answer } satisfies ToProbes);
    if (allowed !== undefined && !allowed('/metrics', message.authorization)) {
      const body = JSON.stringify(errorBody('RECTIFIER_UNAUTHORIZED', UNAUTHORIZED_MESSAGE));
      return reply({ status: 401, contentType: 'application/json; charset=utf-8', body });
    }
    const { registry } = app.metrics;
    void registry.metrics().then((body) => reply({ status: 200, contentType: registry.contentType, body }));
  });
  const [first] = (await once(thread, 'message')) as [ToMain];
  if (first.type === 'failed') {
    clearInterval(timer);
    await thread.terminate();
    throw new Error(`HEALTH_PORT ${config.HEALTH_PORT}: ${first.message}`);
  }
  app.log.info({ port: config.HEALTH_PORT }, 'probes and metrics also served on HEALTH_PORT, from a thread of their own');
  return {
    publish: write,
    async close() {
      clearInterval(timer);
      const exited = once(thread, 'exit');
      thread.postMessage({ type: 'close' } satisfies ToProbes);
      await exited;
    },
  };
}
