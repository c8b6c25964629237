// Parsing a JSON body: the same checks and errors on the event loop (small bodies) and in a worker (large ones).
import secureJson from 'secure-json-parse';
import { ApiError } from '../errors.js';
import { checkJsonShape } from './json-scan.js';

/**
 * The body's value, or an ApiError: nested too deep or too many values (json-scan.ts) before
 * parsing; RECTIFIER_INVALID_JSON for text that is not JSON, empty, or carrying a __proto__ key.
 */
export function parseJsonBytes(bytes: Uint8Array, maxElements: number): unknown {
  if (bytes.length === 0) throw new ApiError('RECTIFIER_INVALID_JSON', 'the body is empty; send a JSON object');
  checkJsonShape(bytes, maxElements);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  try {
    return secureJson.parse(text, { protoAction: 'error', constructorAction: 'ignore' });
  } catch (err) {
    throw new ApiError('RECTIFIER_INVALID_JSON', `the body is not valid JSON: ${(err as Error).message}`);
  }
}
