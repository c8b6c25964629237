// The baseline of the HTTP bench: a bare Fastify server that answers each compute request with its own payload.
//
// `PORT=3001 node --import tsx bench/echo-server.ts`. Same routes as the service, no schemas, no
// computation: a JSON body is parsed (Fastify's default parser) and its `x` sent back in the
// service's answer envelope (JSON.stringify); a binary body is sent back as it came, with its
// X-Dtype and X-Shape. What the service spends beyond this is the price of validation, the kernel
// and its transport code.
import Fastify from 'fastify';

const MiB = 1024 * 1024;
/** The service's default limits (JSON_BODY_LIMIT, BINARY_BODY_LIMIT), so both take the same bodies. */
const JSON_BODY_LIMIT = 32 * MiB;
const BINARY_BODY_LIMIT = 128 * MiB;

const app = Fastify({ logger: false, bodyLimit: JSON_BODY_LIMIT });

app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: BINARY_BODY_LIMIT }, (_request, body, done) =>
  done(null, body),
);

app.get('/health/live', async () => ({ status: 'ok' }));

app.post<{ Params: { name: string } }>('/activations/:name', async (request, reply) => {
  const body = request.body;
  if (Buffer.isBuffer(body)) {
    reply.type('application/octet-stream');
    for (const header of ['x-dtype', 'x-shape']) {
      const value = request.headers[header];
      if (value !== undefined) reply.header(header, value);
    }
    return reply.send(body);
  }
  const { x } = body as { x: unknown };
  return { name: request.params.name, shape: [Array.isArray(x) ? x.length : 0], y: x, params: {} };
});

const port = Number(process.env.PORT ?? 3001);
await app.listen({ port, host: process.env.HOST ?? '127.0.0.1' });

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
