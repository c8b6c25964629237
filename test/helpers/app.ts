// Builds the real app for a test, with quiet logs and optional config overrides; closed on teardown.
import type { Test } from 'tap';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

/** One worker unless a test asks for more: each worker costs ~0.6 s of CPU to start from sources. */
export async function testApp(t: Test, env: Record<string, string> = {}): Promise<FastifyInstance> {
  const app = await buildApp(loadConfig({ POOL_THREADS: '1', ...env }), { logger: false });
  t.teardown(() => app.close());
  return app;
}

/** POSTs a JSON body and returns status and parsed body. */
export async function postJson(app: FastifyInstance, url: string, body: unknown) {
  const res = await app.inject({ method: 'POST', url, payload: body as object });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
}
