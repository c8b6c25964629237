// Reads a request body under a byte limit: into a buffer reserved for it, or gathered on the heap.
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../errors.js';

/** What a read rejects with when the client went away mid-body: nobody is left to answer. */
export class ClientGoneError extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('the client closed the connection before its body was complete');
  }
}

export interface BodyReadOptions {
  /** Most bytes accepted; the error names it with `label` ("binary", "JSON"). */
  limit: number;
  label: string;
  /** Past the limit: 413 by default; a chunked body over what may be read unannounced is a 411. */
  overLimit?: () => ApiError;
  /** Where the bytes go as they arrive (a region of the request's lease), else gathered on the heap. */
  into?: Buffer;
}

/**
 * The body: `into` cut to the bytes received, or the heap chunks joined. A declared length over the
 * limit is refused before a byte is read; a body longer or shorter than its Content-Length is a 400.
 */
export function readBody(payload: IncomingMessage, options: BodyReadOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const { limit, label, into } = options;
    const overLimit = options.overLimit ?? (() => new ApiError('RECTIFIER_BODY_TOO_LARGE', `the body exceeds the ${label} body limit of ${limit} bytes`));
    const declared = payload.headers['content-length'];
    const length = declared === undefined ? undefined : Number(declared);
    const room = Math.min(length ?? limit, limit, into?.length ?? Infinity);
    if (length !== undefined && length > room) {
      payload.resume(); // drained unread, so the error reaches a client still sending
      reject(overLimit());
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    const stop = (err: Error) => {
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.resume();
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      if (received + chunk.length > room) {
        stop(length === undefined ? overLimit() : new ApiError('RECTIFIER_INVALID_BODY', 'the body is longer than its Content-Length'));
        return;
      }
      if (into) chunk.copy(into, received);
      else chunks.push(chunk);
      received += chunk.length;
    };
    const onEnd = () => {
      payload.removeListener('data', onData);
      if (length !== undefined && received !== length) {
        reject(new ApiError('RECTIFIER_INVALID_BODY', `the body has ${received} bytes, Content-Length says ${length}`));
      } else if (into) {
        resolve(into.subarray(0, received));
      } else {
        resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received));
      }
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    // The client reset the connection mid-body (Node reports it as an 'aborted' error).
    payload.once('error', () => stop(new ClientGoneError()));
    payload.once('aborted', () => stop(new ClientGoneError()));
  });
}
