// SIGTERM drains the real server process: no request in flight is lost, idle sockets are closed, exit 0.
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import t from 'tap';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

const CONNECTIONS = 20;
const RUNS = 5;
const DRAIN_TIMEOUT_MS = 8000;
const BODY = JSON.stringify({ x: Array.from({ length: 2000 }, (_, i) => (i - 1000) / 100) });

type Outcome =
  | { kind: 'answered'; status: number; headers: IncomingHttpHeaders; afterSignal: boolean }
  | { kind: 'error'; code: string; afterSignal: boolean; reusedSocket: boolean };

function post(agent: Agent, port: number, path: string, body: string, signalled: () => boolean): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ kind: 'answered', status: res.statusCode ?? 0, headers: res.headers, afterSignal: signalled() }));
        res.on('error', (err: NodeJS.ErrnoException) =>
          resolve({ kind: 'error', code: err.code ?? err.message, afterSignal: signalled(), reusedSocket: req.reusedSocket }),
        );
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) =>
      resolve({ kind: 'error', code: err.code ?? err.message, afterSignal: signalled(), reusedSocket: req.reusedSocket }),
    );
    req.end(body);
  });
}

/** Keeps `CONNECTIONS` keep-alive clients busy until the server refuses them; returns every outcome. */
async function loadUntilRefused(server: ServerProcess, onWarm: () => void, signalled: () => boolean): Promise<Outcome[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const outcomes: Outcome[] = [];
  let exited = false;
  void server.exited.then(() => (exited = true));
  const client = async () => {
    for (;;) {
      const outcome = await post(agent, server.port, '/activations/sigmoid', BODY, signalled);
      outcomes.push(outcome);
      if (outcomes.length === CONNECTIONS * 10) onWarm();
      // After the listener closed a new connection is refused: this client is done.
      if (outcome.kind === 'error' && (outcome.code === 'ECONNREFUSED' || exited)) return;
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, client));
  agent.destroy();
  return outcomes;
}

/** Resolves with the exit, or rejects if the process is still running well past its drain deadline. */
function exitWithin(server: ServerProcess, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running ${ms} ms after SIGTERM:\n${server.output()}`)), ms);
  });
  return Promise.race([server.exited, late]).finally(() => clearTimeout(timer));
}

for (let run = 1; run <= RUNS; run++) {
  t.test(`SIGTERM under keep-alive load from ${CONNECTIONS} connections loses nothing (run ${run} of ${RUNS})`, async (t) => {
    const server = await startServer(t, { DRAIN_TIMEOUT_MS: String(DRAIN_TIMEOUT_MS) });
    let signalled = false;
    const outcomes = await loadUntilRefused(
      server,
      () => {
        signalled = true;
        server.child.kill('SIGTERM');
      },
      () => signalled,
    );
    const exit = await exitWithin(server, DRAIN_TIMEOUT_MS + 5000);

    const failed = outcomes.filter(
      (o) => (o.kind === 'answered' && o.status !== 200 && o.status !== 503) || (o.kind === 'error' && o.code !== 'ECONNREFUSED'),
    );
    t.same(failed, [], 'no request failed in flight (only 200, 503 and refused connections)');
    t.ok(outcomes.filter((o) => o.kind === 'answered' && o.status === 200).length >= CONNECTIONS * 10, 'the load ran');
    t.ok(
      outcomes.some((o) => o.kind === 'answered' && o.afterSignal && o.headers.connection === 'close'),
      'answers after SIGTERM carry Connection: close',
    );
    t.ok(
      outcomes.some((o) => o.kind === 'error' && o.code === 'ECONNREFUSED'),
      'new connections are refused once the listener closed',
    );
    t.same(exit, { code: 0, signal: null }, 'exit 0 before the drain deadline');
    t.match(server.output(), /"msg":"drained"/, 'the app closed (pool included) before exiting');
  });
}

t.test('a keep-alive socket left idle is closed after the grace, without waiting for its keep-alive timeout', async (t) => {
  // With a 60 s keep-alive timeout only the drain's own close can end this socket before the deadline.
  const server = await startServer(t, { KEEP_ALIVE_TIMEOUT_MS: '60000', DRAIN_TIMEOUT_MS: String(DRAIN_TIMEOUT_MS) });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const first = await post(agent, server.port, '/activations/relu', '{"x":[1,-1]}', () => false);
  t.match(first, { kind: 'answered', status: 200 });
  t.equal(first.kind === 'answered' && first.headers.connection, 'keep-alive', 'the socket stays open');
  const [socket] = Object.values(agent.freeSockets).flat();
  t.ok(socket, 'one idle keep-alive socket');
  const socketClosed = new Promise((resolve) => socket?.once('close', resolve));
  server.child.kill('SIGTERM');
  await socketClosed;
  t.same(await exitWithin(server, DRAIN_TIMEOUT_MS + 5000), { code: 0, signal: null }, 'exit 0 before the drain deadline');
  agent.destroy();
});

t.test('a request half-received when SIGTERM arrives is answered, then its connection closed', async (t) => {
  const server = await startServer(t, { DRAIN_TIMEOUT_MS: String(DRAIN_TIMEOUT_MS) });
  const socket = connect(server.port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  let answer = '';
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
  const closed = new Promise((resolve) => socket.once('close', resolve));
  const body = '{"x":[-2,0,3]}';
  socket.write(
    `POST /activations/relu HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
  );
  // The server has the headers (it is in flight) when the signal lands; the rest of the body follows.
  await new Promise((resolve) => setTimeout(resolve, 200));
  server.child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 200));
  socket.write(body.slice(5));
  await closed;
  t.match(answer, /^HTTP\/1\.1 200 OK\r\n/, 'answered 200');
  t.match(answer, /\r\nconnection: close\r\n/i, 'with Connection: close');
  t.match(answer, /"y":\[0,0,3\]/, 'the computed result');
  t.same(await exitWithin(server, DRAIN_TIMEOUT_MS + 5000), { code: 0, signal: null }, 'exit 0 before the drain deadline');
});

t.test('in-flight work past the drain deadline: the process exits anyway, with 1', async (t) => {
  const server = await startServer(t, { DRAIN_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '60000', HEADERS_TIMEOUT_MS: '60000' });
  // A request whose body never completes keeps its connection busy: only the deadline ends the drain.
  const socket = connect(server.port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write('POST /activations/relu HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"x":');
  socket.on('error', () => {});
  await new Promise((resolve) => setTimeout(resolve, 200));
  server.child.kill('SIGTERM');
  t.same(await exitWithin(server, 10_000), { code: 1, signal: null }, 'exit 1: forced by the deadline');
  t.match(server.output(), /drain deadline passed/);
  socket.destroy();
});
