// The request bodies of the HTTP scenarios: seeded random numbers, as JSON or as little-endian float32.
import { random } from '../test/helpers/random.js';

/**
 * `{"x":[...]}` with `count` values in [0, 4) at full float64 precision (~18 bytes each), as a
 * client serializing a float64 array sends them. Non-negative, so that relu's answer carries the
 * very numbers the echo sends back: both answers have the same bytes, and the comparison measures
 * the service's overhead rather than a shorter answer (JSON costs ~100 ns a number, relu ~2).
 */
export function jsonBody(count: number, seed = 1): Buffer {
  const next = random(seed);
  const x = new Array<number>(count);
  for (let i = 0; i < count; i++) x[i] = next() * 4;
  return Buffer.from(JSON.stringify({ x }));
}

/**
 * `count` float32 values in [-4, 4), little-endian (the byte order of every machine Node runs on
 * here). Half negative: binary answers are always as long as the body, and a branchy kernel pays
 * its mispredictions.
 */
export function float32Body(count: number, seed = 1): Buffer {
  const next = random(seed);
  const x = new Float32Array(count);
  for (let i = 0; i < count; i++) x[i] = next() * 8 - 4;
  return Buffer.from(x.buffer);
}
