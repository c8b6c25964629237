// The HTTP server's timeouts from the config: slow clients are cut, idle keep-alive sockets closed.
import type { ServerOptions } from 'node:http';
import type { Config } from './config.js';

/**
 * How often Node looks for requests past their timeouts. Its default of 30 s would let a client
 * sending one byte per second hold a connection 30 s past requestTimeout; with 1 s it is cut
 * within requestTimeout + 1 s.
 */
export const CONNECTIONS_CHECKING_INTERVAL_MS = 1000;

/** Fastify instance options: spread into serverOptions(config). */
export function timeoutOptions(config: Config): { requestTimeout: number; keepAliveTimeout: number; http: ServerOptions } {
  return {
    // Fastify sets these on the server after creating it (its defaults: none, and 72 s).
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    keepAliveTimeout: config.KEEP_ALIVE_TIMEOUT_MS,
    // Passed to http.createServer, the only place connectionsCheckingInterval can be set. Node refuses
    // a headersTimeout above requestTimeout, and the whole request bounds its headers anyway.
    http: {
      requestTimeout: config.REQUEST_TIMEOUT_MS,
      headersTimeout: Math.min(config.HEADERS_TIMEOUT_MS, config.REQUEST_TIMEOUT_MS),
      connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS,
    },
  };
}
