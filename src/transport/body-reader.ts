// Reads a request body under a byte limit, into shared memory when worker threads will use it.
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../errors.js';

export interface BodyReadOptions {
  /** Most bytes accepted; the 413 names it with `label` ("binary", "JSON"). */
  limit: number;
  label: string;
  /**
   * When true, or a function of the declared length that returns true, the body lands on a
   * SharedArrayBuffer (in place as it arrives when Content-Length is known).
   */
  shared: boolean | ((declaredLength: number | undefined) => boolean);
}

export function readBody(payload: IncomingMessage, options: BodyReadOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const { limit, label } = options;
    const tooLarge = () => new ApiError('RECTIFIER_BODY_TOO_LARGE', `the body exceeds the ${label} body limit of ${limit} bytes`);
    const declared = payload.headers['content-length'];
    const length = declared === undefined ? undefined : Number(declared);
    if (length !== undefined && length > limit) {
      payload.resume(); // drain, so the 413 can be written on this connection
      reject(tooLarge());
      return;
    }
    const shared = typeof options.shared === 'function' ? options.shared(length) : options.shared;
    const fixed = shared && length !== undefined ? Buffer.from(new SharedArrayBuffer(length)) : undefined;
    const chunks: Buffer[] = [];
    let received = 0;
    payload.on('data', (chunk: Buffer) => {
      if (received + chunk.length > (length ?? limit)) {
        payload.removeAllListeners('data');
        payload.resume();
        reject(length === undefined ? tooLarge() : new ApiError('RECTIFIER_INVALID_BODY', 'the body is longer than its Content-Length'));
        return;
      }
      if (fixed) chunk.copy(fixed, received);
      else chunks.push(chunk);
      received += chunk.length;
    });
    payload.on('end', () => {
      if (length !== undefined && received !== length) {
        reject(new ApiError('RECTIFIER_INVALID_BODY', `the body has ${received} bytes, Content-Length says ${length}`));
      } else if (fixed) {
        resolve(fixed);
      } else if (shared) {
        const body = Buffer.from(new SharedArrayBuffer(received));
        let offset = 0;
        for (const c of chunks) offset += c.copy(body, offset);
        resolve(body);
      } else {
        resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received));
      }
    });
    payload.on('error', reject);
  });
}
