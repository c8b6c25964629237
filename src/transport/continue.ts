// Expect: 100-continue: a client that asks for it sends its body only once the request is admitted.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** Requests whose client waits for a 100 Continue, with their response. */
const waiting = new WeakMap<IncomingMessage, ServerResponse>();

/**
 * Node answers 100 Continue as soon as it has the headers, unless the server listens for
 * 'checkContinue'; then the request goes on as any other, and its 100 is sent by sendContinue,
 * after the checks that could refuse it (a 413 or 503 then spares the client the upload).
 */
export function deferContinue(server: Server): void {
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    waiting.set(req, res);
    server.emit('request', req, res);
  });
}

/** Tells a waiting client to send its body (nothing for one that did not ask). */
export function sendContinue(req: IncomingMessage): void {
  const res = waiting.get(req);
  if (res === undefined) return;
  waiting.delete(req);
  res.writeContinue();
}
