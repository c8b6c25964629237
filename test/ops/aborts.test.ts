// Clients that leave: mid-body or while their answer is computed. No worker is ended, nothing leaks, logs stay at info.
import { connect } from 'node:net';
import { Agent, request } from 'node:http';
import t from 'tap';
import { send } from '../helpers/http.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

const N = 400_000;
const body = Buffer.from(Float64Array.from({ length: N }, (_, i) => (i % 200) / 10 - 10).buffer);
const headers = { 'content-type': 'application/octet-stream', 'x-dtype': 'float64', 'content-length': body.length };

/** Sends the whole body and hangs up after `ms`: the server is computing by then. */
function abandonAfter(port: number, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/activations/gelu', headers, agent: false });
    req.on('error', () => resolve());
    req.on('response', (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.end(body);
    setTimeout(() => {
      req.destroy();
      resolve();
    }, ms);
  });
}

/** Sends half of the body, then resets the connection: the server is still reading it. */
function abandonMidBody(port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`POST /activations/gelu HTTP/1.1\r\nhost: x\r\ncontent-type: application/octet-stream\r\nx-dtype: float64\r\ncontent-length: ${body.length}\r\n\r\n`);
      socket.write(body.subarray(0, body.length / 2), () => setTimeout(() => socket.resetAndDestroy(), 5));
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve());
  });
}

async function metric(server: ServerProcess, name: string): Promise<number> {
  const text = (await send({ port: server.port, method: 'GET', path: '/metrics' })).body.toString();
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
}

async function settled(server: ServerProcess): Promise<void> {
  while ((await metric(server, 'rectifier_memory_leases')) > 0) await new Promise((resolve) => setTimeout(resolve, 20));
}

t.test('hundreds of clients that leave end no worker, free every slot and byte, and log at info', async (t) => {
  // Two workers and INLINE_MAX_WORK auto: 400k gelu is split across the pool.
  const server = await startServer(t, { POOL_THREADS: '2', POOL_QUEUE: '8', LOG_LEVEL: 'info' });
  const waits = [0, 2, 5, 10, 20];
  for (let round = 0; round < 10; round++) {
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => abandonAfter(server.port, waits[i % waits.length])),
      ...Array.from({ length: 5 }, () => abandonMidBody(server.port)),
    ]);
  }
  await settled(server);
  t.equal(await metric(server, 'rectifier_pool_worker_exits_total'), 0, 'no worker was ended');
  t.equal(await metric(server, 'rectifier_pool_live_workers'), 2);
  t.equal(await metric(server, 'rectifier_requests_in_flight'), 0, 'every compute slot came back');
  t.equal(await metric(server, 'rectifier_memory_reserved_bytes'), 0, 'every reserved byte came back');
  t.equal(await metric(server, 'rectifier_arena_in_use_bytes'), 0);
  t.ok((await metric(server, 'rectifier_http_aborted_requests_total{route="/activations/:name"}')) > 0, 'aborts are counted');
  const agent = new Agent({ keepAlive: true });
  t.teardown(() => agent.destroy());
  const answer = await send({ port: server.port, path: '/activations/gelu', headers, body, agent, discard: true });
  t.equal(answer.status, 200, 'the pool still computes');
  const lines = server.output().split('\n').filter((l) => l.startsWith('{'));
  const loud = lines.filter((l) => (JSON.parse(l) as { level: number }).level >= 40);
  t.same(loud, [], 'nothing logged at warn or error');
  t.ok(lines.some((l) => l.includes('client closed the connection')), 'the aborts are logged at info');
});
