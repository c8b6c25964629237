// Request ids: the caller's X-Request-Id when it is a sane token, else one made here.
import type { IncomingMessage } from 'node:http';

/** 1 to 128 visible ASCII characters: anything else (long, blank, control characters) is replaced. */
const ACCEPTED = /^[\x21-\x7e]{1,128}$/;

/** A prefix per process, so ids made by several instances do not collide in shared logs. */
const PREFIX = Math.floor(Math.random() * 36 ** 6).toString(36).padStart(6, '0');
let counter = 0;

/** `<process prefix>-<counter>`. */
export function newRequestId(): string {
  return `${PREFIX}-${(++counter).toString(36)}`;
}

/** Fastify's genReqId: the header's value when acceptable, else a new id. */
export function requestId(request: IncomingMessage): string {
  const header = request.headers['x-request-id'];
  return typeof header === 'string' && ACCEPTED.test(header) ? header : newRequestId();
}
