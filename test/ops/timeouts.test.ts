// Server timeouts over real sockets: a client trickling its request is cut; idle keep-alive is bounded.
import { request } from 'node:http';
import { connect } from 'node:net';
import t from 'tap';
import { CONNECTIONS_CHECKING_INTERVAL_MS } from '../../src/timeouts.js';
import { testApp } from '../helpers/app.js';

const REQUEST_TIMEOUT_MS = 1000;
/** Scheduling slack on a loaded 2-core machine; without connectionsCheckingInterval the cut comes ~30 s late. */
const SLACK_MS = 1500;

/** Writes `head` at once, then `trickle` one byte per second; resolves with what the server answered and when it closed. */
async function trickle(port: number, head: string, trickle: string): Promise<{ answer: string; closedAfterMs: number }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const start = Date.now();
  let answer = '';
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
  socket.on('error', () => {});
  socket.write(head);
  let next = 0;
  const timer = setInterval(() => {
    if (next < trickle.length && socket.writable) socket.write(trickle[next++]);
  }, 1000);
  await new Promise((resolve) => socket.once('close', resolve));
  clearInterval(timer);
  return { answer, closedAfterMs: Date.now() - start };
}

async function listening(t: Parameters<typeof testApp>[0], env: Record<string, string>): Promise<number> {
  const app = await testApp(t, env);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as { port: number }).port;
}

t.test('the server gets its timeouts from the config', async (t) => {
  const app = await testApp(t, { REQUEST_TIMEOUT_MS: '4000', HEADERS_TIMEOUT_MS: '2000', KEEP_ALIVE_TIMEOUT_MS: '3000' });
  t.equal(app.server.requestTimeout, 4000);
  t.equal(app.server.headersTimeout, 2000);
  t.equal(app.server.keepAliveTimeout, 3000);
});

t.test('headersTimeout never exceeds requestTimeout (Node refuses that)', async (t) => {
  const app = await testApp(t, { REQUEST_TIMEOUT_MS: '1000', HEADERS_TIMEOUT_MS: '10000' });
  t.equal(app.server.headersTimeout, 1000);
});

t.test('a body sent one byte per second is cut with 408 within requestTimeout + 1 s', async (t) => {
  const port = await listening(t, { REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) });
  const body = '{"x":[1,2,3,4,5,6,7,8,9]}';
  const { answer, closedAfterMs } = await trickle(
    port,
    `POST /activations/relu HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    body,
  );
  t.match(answer, /^HTTP\/1\.1 408 Request Timeout\r\n/, 'answered 408');
  t.ok(
    closedAfterMs < REQUEST_TIMEOUT_MS + CONNECTIONS_CHECKING_INTERVAL_MS + SLACK_MS,
    `closed after ${closedAfterMs} ms (requestTimeout ${REQUEST_TIMEOUT_MS} ms)`,
  );
});

t.test('headers sent one byte per second are cut with 408 within requestTimeout + 1 s', async (t) => {
  const port = await listening(t, { REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) });
  const { answer, closedAfterMs } = await trickle(port, 'GET /health/live HTTP/1.1\r\n', 'Host: 127.0.0.1\r\nX-Slow: yes\r\n\r\n');
  t.match(answer, /^HTTP\/1\.1 408 Request Timeout\r\n/, 'answered 408');
  t.ok(
    closedAfterMs < REQUEST_TIMEOUT_MS + CONNECTIONS_CHECKING_INTERVAL_MS + SLACK_MS,
    `closed after ${closedAfterMs} ms (requestTimeout ${REQUEST_TIMEOUT_MS} ms)`,
  );
});

t.test('a request that arrives in time is answered', async (t) => {
  const port = await listening(t, { REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) });
  const answer = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/activations/relu', method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      },
    );
    req.on('error', reject);
    req.end('{"x":[-1,2]}');
  });
  t.equal(answer.status, 200);
  t.same(JSON.parse(answer.body).y, [0, 2]);
});

t.test('idle keep-alive sockets are announced and closed after KEEP_ALIVE_TIMEOUT_MS', async (t) => {
  const port = await listening(t, { KEEP_ALIVE_TIMEOUT_MS: '1000' });
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  let answer = '';
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
  socket.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  // Only the server's keep-alive timeout can end this socket: the client never closes it.
  await new Promise((resolve) => socket.once('close', resolve));
  t.match(answer, /\r\nKeep-Alive: timeout=1\r\n/, 'the answer announces the timeout');
  t.match(answer, /\{"status":"ok"\}/);
});
