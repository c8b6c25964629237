// Reading request bodies: into a reserved buffer or gathered on the heap, declared and chunked lengths, limits, aborts.
import { PassThrough } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import t from 'tap';
import { readBody } from '../../src/transport/body-reader.js';

function request(chunks: Buffer[], headers: Record<string, string> = {}): IncomingMessage & PassThrough {
  const stream = new PassThrough() as unknown as IncomingMessage & PassThrough;
  stream.headers = headers;
  setImmediate(() => {
    for (const c of chunks) stream.write(c);
    stream.end();
  });
  return stream;
}

t.test('with a target buffer the bytes land in it as they arrive, in place', async (t) => {
  const into = Buffer.alloc(8);
  const body = await readBody(request([Buffer.from([1, 2, 3]), Buffer.from([4, 5])], { 'content-length': '5' }), { limit: 100, label: 'binary', into });
  t.equal(body.buffer, into.buffer, 'no copy');
  t.same([...body], [1, 2, 3, 4, 5]);
});

t.test('without one, a chunked body is gathered and joined', async (t) => {
  const body = await readBody(request([Buffer.from([9, 8]), Buffer.from([7])]), { limit: 100, label: 'JSON' });
  t.same([...body], [9, 8, 7]);
});

t.test('over the limit, declared or streamed, is a 413; a short or long body is a 400', async (t) => {
  const opts = { limit: 8, label: 'binary' };
  await t.rejects(readBody(request([Buffer.alloc(10)], { 'content-length': '10' }), opts), { code: 'RECTIFIER_BODY_TOO_LARGE' });
  await t.rejects(readBody(request([Buffer.alloc(6), Buffer.alloc(6)]), opts), {
    code: 'RECTIFIER_BODY_TOO_LARGE',
    message: 'the body exceeds the binary body limit of 8 bytes',
  });
  await t.rejects(readBody(request([Buffer.alloc(3)], { 'content-length': '5' }), opts), { code: 'RECTIFIER_INVALID_BODY' });
  await t.rejects(readBody(request([Buffer.alloc(3), Buffer.alloc(3)], { 'content-length': '4' }), opts), {
    code: 'RECTIFIER_INVALID_BODY',
    message: 'the body is longer than its Content-Length',
  });
});

t.test('a chunked body over what may be read unannounced gets the error the caller chose', async (t) => {
  const { ApiError } = await import('../../src/errors.js');
  const overLimit = () => new ApiError('RECTIFIER_LENGTH_REQUIRED', 'say how long');
  await t.rejects(readBody(request([Buffer.alloc(6), Buffer.alloc(6)]), { limit: 8, label: 'JSON', overLimit }), { code: 'RECTIFIER_LENGTH_REQUIRED' });
});

t.test('a client that goes away mid-body rejects the read with an AbortError', async (t) => {
  const stream = new PassThrough() as unknown as IncomingMessage & PassThrough;
  stream.headers = { 'content-length': '100' };
  const read = readBody(stream, { limit: 1000, label: 'binary' });
  stream.write(Buffer.alloc(10));
  stream.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
  await t.rejects(read, { name: 'AbortError' });
});
