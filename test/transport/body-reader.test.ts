// Reading request bodies: into shared memory or not, declared and chunked lengths, limits, short bodies.
import { PassThrough } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import t from 'tap';
import { readBody } from '../../src/transport/body-reader.js';

const readSharedBody = (req: IncomingMessage, limit: number) => readBody(req, { limit, label: 'binary', shared: true });

function request(chunks: Buffer[], headers: Record<string, string> = {}): IncomingMessage {
  const stream = new PassThrough() as unknown as IncomingMessage & PassThrough;
  stream.headers = headers;
  setImmediate(() => {
    for (const c of chunks) stream.write(c);
    stream.end();
  });
  return stream;
}

t.test('with Content-Length the bytes land on a SharedArrayBuffer in place', async (t) => {
  const body = await readSharedBody(request([Buffer.from([1, 2, 3]), Buffer.from([4, 5])], { 'content-length': '5' }), 100);
  t.ok(body.buffer instanceof SharedArrayBuffer);
  t.same([...body], [1, 2, 3, 4, 5]);
});

t.test('a chunked body is gathered and copied once into shared memory', async (t) => {
  const body = await readSharedBody(request([Buffer.from([9, 8]), Buffer.from([7])]), 100);
  t.ok(body.buffer instanceof SharedArrayBuffer);
  t.same([...body], [9, 8, 7]);
});

t.test('over the limit, declared or streamed, is a 413; a short body is a 400', async (t) => {
  await t.rejects(readSharedBody(request([Buffer.alloc(10)], { 'content-length': '10' }), 8), { code: 'RECTIFIER_BODY_TOO_LARGE' });
  await t.rejects(readSharedBody(request([Buffer.alloc(6), Buffer.alloc(6)]), 8), { code: 'RECTIFIER_BODY_TOO_LARGE' });
  await t.rejects(readSharedBody(request([Buffer.alloc(3)], { 'content-length': '5' }), 8), { code: 'RECTIFIER_INVALID_BODY' });
});

t.test('unshared reads give plain Buffers; a function decides by the declared length', async (t) => {
  const plain = await readBody(request([Buffer.from([1]), Buffer.from([2])]), { limit: 10, label: 'JSON', shared: false });
  t.notOk(plain.buffer instanceof SharedArrayBuffer);
  t.same([...plain], [1, 2]);
  const big = (n: number | undefined) => (n ?? 0) >= 4;
  const small = await readBody(request([Buffer.from([1, 2])], { 'content-length': '2' }), { limit: 10, label: 'JSON', shared: big });
  t.notOk(small.buffer instanceof SharedArrayBuffer);
  const large = await readBody(request([Buffer.from([1, 2, 3, 4])], { 'content-length': '4' }), { limit: 10, label: 'JSON', shared: big });
  t.ok(large.buffer instanceof SharedArrayBuffer);
  await t.rejects(readBody(request([Buffer.alloc(20)]), { limit: 10, label: 'JSON', shared: false }), {
    message: 'the body exceeds the JSON body limit of 10 bytes',
  });
});
