// The probe thread: an HTTP listener on HEALTH_PORT with an event loop of its own, never behind the main thread's work.
// Imports node and pure modules only: no Fastify, nothing of the app.
import { createServer, type ServerResponse } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { errorBody } from '../errors.js';
import { read } from './board.js';

/** What the thread is started with (probes.ts). */
export interface ProbeThreadData {
  board: SharedArrayBuffer;
  host: string;
  port: number;
  /** Node server options: the app's request and header timeouts. */
  server: { requestTimeout: number; headersTimeout: number; keepAliveTimeout: number };
}

/** Messages between the threads: a scrape of /metrics goes to the main thread, which has the registry. */
export type ToMain = { type: 'listening' } | { type: 'failed'; message: string } | { type: 'metrics'; id: number; authorization?: string };
export type ToProbes = { type: 'metrics'; id: number; status: number; contentType: string; body: string } | { type: 'close' };

const data = workerData as ProbeThreadData;
const port = parentPort!;
const pending = new Map<number, ServerResponse>();
let nextId = 0;
let nextRequestId = 0;

function json(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'x-request-id': `probe-${(++nextRequestId).toString(36)}`,
  });
  res.end(text);
}

const server = createServer(data.server, (req, res) => {
  const path = (req.url ?? '').split('?', 1)[0];
  if (req.method === 'GET' && path === '/health/live') {
    const { live } = read(data.board);
    return json(res, live === 'ok' ? 200 : 503, { status: live });
  }
  if (req.method === 'GET' && path === '/health/ready') {
    const { ready } = read(data.board);
    return json(res, ready === 'ready' ? 200 : 503, { status: ready });
  }
  if (req.method === 'GET' && path === '/metrics') {
    const id = ++nextId;
    pending.set(id, res);
    res.once('close', () => pending.delete(id));
    port.postMessage({ type: 'metrics', id, authorization: req.headers.authorization } satisfies ToMain);
    return;
  }
  json(res, 404, errorBody('RECTIFIER_NOT_FOUND', 'HEALTH_PORT serves GET /health/live, /health/ready and /metrics only'));
});
server.keepAliveTimeout = data.server.keepAliveTimeout;

port.on('message', (message: ToProbes) => {
  if (message.type === 'close') {
    server.closeAllConnections();
    server.close(() => port.close());
    return;
  }
  const res = pending.get(message.id);
  if (res === undefined) return;
  pending.delete(message.id);
  res.writeHead(message.status, { 'content-type': message.contentType, 'content-length': Buffer.byteLength(message.body) });
  res.end(message.body);
});

server.once('error', (err) => port.postMessage({ type: 'failed', message: err.message } satisfies ToMain));
server.listen(data.port, data.host, () => port.postMessage({ type: 'listening' } satisfies ToMain));
