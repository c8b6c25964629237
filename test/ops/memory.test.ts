// Memory is a budget: it comes back after binary traffic, concurrent uploads are admitted by bytes, hopeless bodies are refused unread.
import { Agent } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { testApp } from '../helpers/app.js';
import { memoryOf, send } from '../helpers/http.js';
import { startServer } from '../helpers/server-process.js';

const MiB = 1024 * 1024;
const N = 1 << 20;
/** 1M float32 values: a 4 MiB body. */
const float32Body = Buffer.from(Float32Array.from({ length: N }, (_, i) => Math.sin(i) * 6).buffer);
const binary = (path: string, port: number, agent?: Agent) =>
  send({
    port,
    path,
    agent,
    headers: { 'content-type': 'application/octet-stream', accept: 'application/octet-stream', 'x-dtype': 'float32', 'x-shape': String(N) },
    body: float32Body,
  });

t.test('RSS comes back near its level after hundreds of 1M-element binary requests', async (t) => {
  // Two workers, so 1M gelu is split across the pool: the case whose shared buffers used to pile up.
  const server = await startServer(t, { POOL_THREADS: '2', LOG_LEVEL: 'warn' });
  const pid = server.child.pid!;
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  t.teardown(() => agent.destroy());
  const run = async (count: number) => {
    const statuses: number[] = [];
    const worker = async () => {
      while (statuses.length < count) {
        statuses.push(0);
        statuses[statuses.length - 1] = (await binary(statuses.length % 2 ? '/activations/gelu' : '/gradients/sigmoid', server.port, agent)).status;
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    return statuses;
  };
  t.same([...new Set(await run(40))], [200], 'warm-up: every answer 200');
  const idle = memoryOf(pid).rss;
  const statuses = await run(400);
  t.same([...new Set(statuses)], [200], 'every answer 200');
  await new Promise((resolve) => setTimeout(resolve, 500));
  const after = memoryOf(pid).rss;
  // ~8 MB per request stayed resident before the arena (3 GB here); the bound is generous.
  t.ok(after - idle < 150 * MiB, `RSS ${(idle / MiB).toFixed(0)} MiB after warm-up, ${(after / MiB).toFixed(0)} MiB after 400 more requests`);
});

t.test('concurrent large uploads are admitted by bytes: 200 or 503, never over the budget', async (t) => {
  // Each 1M float32 relu holds its 4 MiB body and 4 MiB output: five fit in 40 MiB, not twelve.
  const app = await testApp(t, { POOL_THREADS: '1', POOL_QUEUE: '32', MEMORY_BUDGET_BYTES: String(40 * MiB) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, app.compute.stats().reservedBytes)), 1);
  const answers = await Promise.all(Array.from({ length: 12 }, () => binary('/activations/relu', port)));
  clearInterval(sampler);
  const statuses = answers.map((a) => a.status);
  t.same(statuses.filter((s) => s !== 200 && s !== 503), [], 'nothing but 200 and 503');
  t.ok(statuses.includes(200) && statuses.includes(503), `both: ${statuses.join(' ')}`);
  for (const a of answers.filter((x) => x.status === 503)) {
    t.equal(JSON.parse(a.body.toString()).code, 'RECTIFIER_OVERLOADED');
    t.equal(a.headers['retry-after'], '1');
  }
  for (const a of answers.filter((x) => x.status === 200)) t.equal(a.body.length, float32Body.length);
  t.ok(peak > 0 && peak <= 40 * MiB, `peak reservation ${(peak / MiB).toFixed(1)} MiB`);
  // A lease is given back when the server sees its response close, a moment after the client has the answer.
  await until(() => app.compute.stats().leases === 0);
  t.match(app.compute.stats(), { reservedBytes: 0, leases: 0, inFlight: 0, arenaInUseBytes: 0 });
});

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 2));
}

/** Sends only the headers of a request and resolves with the first line and body of the answer. */
function headersOnly(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    let text = '';
    socket.on('data', (c: Buffer) => {
      text += c.toString();
      if (/\r\n\r\n[\s\S]*\}$/.test(text)) {
        socket.destroy();
        resolve(text);
      }
    });
    socket.on('error', reject);
  });
}

t.test('a body that cannot be valid, or is over a limit, is refused before a byte of it is sent', async (t) => {
  const app = await testApp(t, { POOL_THREADS: '1', MEMORY_BUDGET_BYTES: String(64 * MiB) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const cases: Array<[string, string, RegExp]> = [
    // 100 MiB of float32 is 26M elements, over BINARY_MAX_ELEMENTS (8M): no such body is valid.
    ['x-dtype: float32\r\n', String(100 * MiB), /413[\s\S]*RECTIFIER_TOO_MANY_ELEMENTS/],
    ['x-dtype: float64\r\n', String(2 * 1024 * MiB), /413[\s\S]*RECTIFIER_BODY_TOO_LARGE/],
    ['x-dtype: float64\r\nx-shape: 10,10\r\n', '808', /400[\s\S]*RECTIFIER_INVALID_BINARY[\s\S]*needs 800 bytes/],
    // 48 MiB of float64 fits every limit but not, with its output, a 64 MiB budget.
    ['x-dtype: float64\r\n', String(48 * MiB), /413[\s\S]*memory budget/],
  ];
  for (const [headers, length, expected] of cases) {
    const answer = await headersOnly(
      port,
      `POST /activations/relu HTTP/1.1\r\nhost: x\r\ncontent-type: application/octet-stream\r\n${headers}content-length: ${length}\r\n\r\n`,
    );
    t.match(answer, expected, `${headers.trim().replace(/\r\n/g, ', ')}, ${length} bytes`);
  }
  const json = await headersOnly(port, `POST /activations/relu HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${64 * MiB}\r\n\r\n`);
  t.match(json, /413[\s\S]*JSON body limit/, 'a JSON body over its limit');
  await until(() => app.compute.stats().leases === 0);
  t.match(app.compute.stats(), { reservedBytes: 0, leases: 0 });
});

/** Sends headers with Expect: 100-continue, and the body only if the server says 100 Continue. */
function expectContinue(port: number, head: string, body: Buffer): Promise<{ continued: boolean; answer: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    let text = '';
    let continued = false;
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1');
      if (!continued && text.startsWith('HTTP/1.1 100 Continue\r\n\r\n')) {
        continued = true;
        text = text.slice('HTTP/1.1 100 Continue\r\n\r\n'.length);
        socket.write(body);
      }
      const end = text.indexOf('\r\n\r\n');
      const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? NaN);
      if (end >= 0 && text.length >= end + 4 + length) {
        socket.destroy();
        resolve({ continued, answer: text });
      }
    });
    socket.on('error', reject);
  });
}

t.test('Expect: 100-continue: the client is asked for its body only once it is admitted', async (t) => {
  const app = await testApp(t, { POOL_THREADS: '1', MEMORY_BUDGET_BYTES: String(16 * MiB) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const head = (length: number) =>
    `POST /activations/relu HTTP/1.1\r\nhost: x\r\ncontent-type: application/octet-stream\r\nx-dtype: float64\r\n` +
    `accept: application/octet-stream\r\nexpect: 100-continue\r\ncontent-length: ${length}\r\n\r\n`;
  const small = Buffer.from(new Float64Array([-1, 2]).buffer);
  const ok = await expectContinue(port, head(small.length), small);
  t.ok(ok.continued, 'an admitted request gets its 100 Continue');
  t.match(ok.answer, /^HTTP\/1.1 200 /);
  // 12 MiB of float64 and its output do not fit 16 MiB: refused without the upload.
  const refused = await expectContinue(port, head(12 * MiB), Buffer.alloc(0));
  t.notOk(refused.continued, 'a request that cannot be admitted is never asked for its body');
  t.match(refused.answer, /^HTTP\/1.1 413 [\s\S]*memory budget/);
});

/** Sends headers, then the body in 64 KiB pieces a millisecond apart; resolves with what came back, and any socket error. */
function slowUpload(port: number, head: string, bytes: number): Promise<{ answer: string; error?: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let error: string | undefined;
    socket.on('data', (c: Buffer) => (answer += c.toString('latin1')));
    socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
    socket.on('close', () => resolve({ answer, error }));
    socket.write(head);
    const piece = Buffer.alloc(64 * 1024);
    let sent = 0;
    const timer = setInterval(() => {
      if (sent >= bytes || socket.destroyed) {
        clearInterval(timer);
        // The whole body is sent: a server that kept the connection answers, then we hang up.
        setTimeout(() => socket.end(), 200);
        return;
      }
      socket.write(piece);
      sent += piece.length;
    }, 1);
  });
}

t.test('a request refused while its body is still coming gets its answer, not a reset', async (t) => {
  // 8 MiB of float64 and its output never fit 8 MiB: a 413 decided from the headers, while the client still sends.
  const app = await testApp(t, { POOL_THREADS: '1', MEMORY_BUDGET_BYTES: String(8 * MiB) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const length = 8 * MiB;
  const head = `POST /activations/relu HTTP/1.1\r\nhost: x\r\ncontent-type: application/octet-stream\r\nx-dtype: float64\r\ncontent-length: ${length}\r\n\r\n`;
  const { answer, error } = await slowUpload(port, head, length);
  t.match(answer, /^HTTP\/1.1 413 [\s\S]*RECTIFIER_BODY_TOO_LARGE/, 'the answer arrives');
  t.notMatch(answer, /connection: close/i, 'the connection is kept while the rest of the body is read');
  t.equal(error, undefined, 'the client is never reset while it sends');
});
