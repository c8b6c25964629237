// A listener of its own for the probes and the metrics scrape: they never queue behind a burst on the main port.
import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { errorBody } from './error-handler.js';
import { timeoutOptions } from './timeouts.js';
import type { Config } from './config.js';

/** The paths served on HEALTH_PORT: the same routes (hooks, logs, metrics) as on the main port. */
export function servedOnHealthPort(url: string | undefined): boolean {
  const path = (url ?? '').split('?', 1)[0];
  return path === '/health/live' || path === '/health/ready' || path === '/metrics';
}

/**
 * Under a burst of hundreds of new connections, a probe's connection waits in the main port's
 * accept queue behind them, seconds here; on a port of its own it is accepted at the next turn of
 * the event loop, which compute never holds for more than a block (~1 ms). The caller closes it
 * after the app (probes keep answering "draining" until then).
 */
export async function listenHealth(app: FastifyInstance, config: Config): Promise<Server | undefined> {
  if (config.HEALTH_PORT === 0) return undefined;
  const server = createServer(timeoutOptions(config).http, (req, res) => {
    if (servedOnHealthPort(req.url)) return app.routing(req, res);
    const body = JSON.stringify(errorBody('RECTIFIER_NOT_FOUND', `HEALTH_PORT serves /health/live, /health/ready and /metrics only`));
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.HEALTH_PORT, config.HOST, () => resolve());
  });
  app.log.info({ port: config.HEALTH_PORT }, 'probes and metrics also served on HEALTH_PORT');
  return server;
}
