// Request ids: a sane X-Request-Id is echoed, anything else replaced; errors Node raises before a request exists use the catalogue.
import { connect, type AddressInfo } from 'node:net';
import t from 'tap';
import { testApp } from '../helpers/app.js';

t.test('X-Request-Id of 1 to 128 visible ASCII characters is echoed; others are replaced by one of ours', async (t) => {
  const app = await testApp(t);
  const echo = async (id: string) => (await app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': id } })).headers['x-request-id'];
  t.equal(await echo('abc-123_XYZ.:/'), 'abc-123_XYZ.:/');
  t.equal(await echo('x'.repeat(128)), 'x'.repeat(128));
  for (const bad of ['x'.repeat(129), 'x'.repeat(16_000), 'two words', '']) {
    const id = await echo(bad);
    t.not(id, bad, `${bad.length} characters: replaced`);
    t.match(id, /^[0-9a-z]{6}-[0-9a-z]+$/, 'by a generated id');
  }
  const a = (await app.inject({ method: 'GET', url: '/health/live' })).headers['x-request-id'];
  const b = (await app.inject({ method: 'GET', url: '/health/live' })).headers['x-request-id'];
  t.not(a, b, 'generated ids differ');
});

/** Raw bytes to the server; resolves with everything it answered before closing. */
async function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString()));
    socket.on('error', () => {});
    socket.on('close', () => resolve(text));
  });
}

t.test('a header Node refuses (control character, too large) gets a catalogue body with a request id', async (t) => {
  const app = await testApp(t);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const control = await raw(port, 'GET /health/live HTTP/1.1\r\nhost: x\r\nx-bad: a\x01b\r\n\r\n');
  t.match(control, /^HTTP\/1.1 400 Bad Request\r\n/);
  t.match(control, /x-request-id: [0-9a-z]{6}-[0-9a-z]+\r\n/i);
  const body = JSON.parse(control.slice(control.indexOf('\r\n\r\n') + 4));
  t.match(body, { statusCode: 400, code: 'RECTIFIER_BAD_REQUEST', error: 'Bad Request' });
  const large = await raw(port, `GET /health/live HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`);
  t.match(large, /^HTTP\/1.1 431 /);
  t.match(JSON.parse(large.slice(large.indexOf('\r\n\r\n') + 4)), { statusCode: 431, code: 'RECTIFIER_HEADERS_TOO_LARGE' });
});

t.test('a URL Fastify cannot decode is a 400 from the catalogue', async (t) => {
  const app = await testApp(t);
  const res = await app.inject({ method: 'GET', url: '/activations/%' });
  t.match(res.json(), { statusCode: 400, code: 'RECTIFIER_BAD_REQUEST' });
  t.ok(res.headers['x-request-id']);
});
