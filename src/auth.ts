// Optional API keys: `Authorization: Bearer <key>` on every route but the probes, checked before a body is read.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from './config.js';
import { ApiError } from './errors.js';

const digest = (key: string) => createHash('sha256').update(key).digest();

/** API_KEYS (comma-separated) and the lines of API_KEYS_FILE (blank lines and # comments skipped). */
export function apiKeys(config: Pick<Config, 'API_KEYS' | 'API_KEYS_FILE'>): string[] {
  const fromFile = config.API_KEYS_FILE === '' ? [] : readFileSync(config.API_KEYS_FILE, 'utf8').split('\n');
  const lines = fromFile.map((line) => line.replace(/#.*/, ''));
  return [...config.API_KEYS.split(','), ...lines].map((k) => k.trim()).filter((k) => k !== '');
}

/** The token of `Authorization: Bearer <token>`, if any. */
export function bearerToken(request: FastifyRequest): string | undefined {
  return tokenOf(request.headers.authorization);
}

function tokenOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)?.[1];
}

/** Compares digests, in constant time for each key, so the time taken says nothing of a key's bytes. */
function matches(token: string | undefined, keys: Buffer[]): boolean {
  if (token === undefined) return false;
  const given = digest(token);
  let ok = false;
  for (const key of keys) ok = timingSafeEqual(given, key) || ok;
  return ok;
}

/** Which keys a path needs: none for the probes, METRICS_API_KEY's for /metrics, API_KEYS' for the rest. */
function keysFor(url: string, api: Buffer[], metrics: Buffer[]): Buffer[] {
  const path = url.split('?', 1)[0];
  if (path.startsWith('/health/')) return [];
  if (path === '/metrics') return metrics;
  return api;
}

export const UNAUTHORIZED_MESSAGE = 'this route needs an Authorization: Bearer <key> header with a valid API key';

/** Whether a request for `url` with this Authorization header may go on; undefined when no key is configured at all. */
export function accessCheck(config: Config): ((url: string, authorization: string | undefined) => boolean) | undefined {
  const api = apiKeys(config).map(digest);
  const metrics = config.METRICS_API_KEY === '' ? [] : [digest(config.METRICS_API_KEY)];
  if (api.length === 0 && metrics.length === 0) return undefined;
  return (url, authorization) => {
    const keys = keysFor(url, api, metrics);
    return keys.length === 0 || matches(tokenOf(authorization), keys);
  };
}

const authHooks: FastifyPluginCallback<{ config: Config }> = (app, { config }, done) => {
  const allowed = accessCheck(config);
  if (allowed !== undefined) {
    app.addHook('onRequest', (request, reply, next) => {
      if (allowed(request.url, request.headers.authorization)) return next();
      reply.header('www-authenticate', 'Bearer realm="rectifier"');
      next(new ApiError('RECTIFIER_UNAUTHORIZED', UNAUTHORIZED_MESSAGE));
    });
  }
  done();
};

/** Registered first, so no other hook or parser runs for a request without a valid key. */
export const authPlugin = fp(authHooks, { name: 'auth' });
