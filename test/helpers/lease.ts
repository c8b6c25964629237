// A lease taken by a test the way a request's body parser takes one, released on teardown.
import type { FastifyInstance } from 'fastify';
import type { Test } from 'tap';
import type { Lease } from '../../src/pool/admission.js';

/** 64 MiB: room for every batch the pool tests send. */
export function testLease(t: Test, app: FastifyInstance, bytes = 64 * 1024 * 1024): Lease {
  const lease = app.compute.reserve(bytes);
  t.teardown(() => lease.release());
  return lease;
}
