// The one error handler: maps every failure to the error catalogue; 5xx bodies show nothing internal.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ApiError, ERROR_CATALOGUE, errorBody, type ErrorCode } from './errors.js';
import { newRequestId } from './request-id.js';
import { drainsBody } from './transport/body-parsers.js';

interface ValidationIssue {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** Seconds a client should wait before retrying a 503. */
export const RETRY_AFTER_SECONDS = 1;

export function sendError(reply: FastifyReply, code: ErrorCode, message: string): FastifyReply {
  const body = errorBody(code, message);
  if (body.statusCode === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  return reply.code(body.statusCode).type('application/json; charset=utf-8').send(JSON.stringify(body));
}

/** The catalogue's code for a 4xx that a plugin or Fastify raised with a status of its own. */
export const BY_STATUS: ReadonlyMap<number, ErrorCode> = new Map<number, ErrorCode>([
  [400, 'RECTIFIER_BAD_REQUEST'],
  [401, 'RECTIFIER_UNAUTHORIZED'],
  [403, 'RECTIFIER_FORBIDDEN'],
  [404, 'RECTIFIER_NOT_FOUND'],
  [408, 'RECTIFIER_REQUEST_TIMEOUT'],
  [411, 'RECTIFIER_LENGTH_REQUIRED'],
  [412, 'RECTIFIER_PRECONDITION_FAILED'],
  [413, 'RECTIFIER_BODY_TOO_LARGE'],
  [415, 'RECTIFIER_UNSUPPORTED_MEDIA_TYPE'],
  [416, 'RECTIFIER_RANGE_NOT_SATISFIABLE'],
  [429, 'RECTIFIER_RATE_LIMITED'],
  [431, 'RECTIFIER_HEADERS_TOO_LARGE'],
]);

/**
 * The app's error handler. Body-reading failures arrive as ApiErrors from the app's own parsers
 * (transport/body-parsers.ts); Fastify's remaining errors are schema validation and an unsupported
 * Content-Type; plugins (the static files of /docs, the rate limit) raise errors with a 4xx status,
 * which is kept.
 */
export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.name === 'AbortError' && (reply.raw.destroyed || request.raw.destroyed || request.lease?.cancelled)) {
    // The client disconnected (mid-body, or while its task ran): there is no one to answer.
    request.log.info({ reason: error.message }, 'client closed the connection');
    reply.hijack();
    reply.raw.destroy();
    return reply;
  }
  // Fastify closes the connection after a body parser's error; a body being drained keeps it (body-parsers.ts).
  if (drainsBody(request)) reply.removeHeader('connection');
  const { code, message } = classify(error, request);
  const status = ERROR_CATALOGUE[code].statusCode;
  if (status >= 500 && status !== 503) {
    request.log.error({ err: error }, 'request failed');
  } else {
    request.log.info({ code, message }, 'request rejected');
  }
  return sendError(reply, code, message);
}

function classify(error: FastifyError, request: FastifyRequest): { code: ErrorCode; message: string } {
  if (error instanceof ApiError) return { code: error.code, message: error.message };
  if (error.validation) return fromValidation(error.validation as ValidationIssue[], error.validationContext);
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return {
      code: 'RECTIFIER_UNSUPPORTED_MEDIA_TYPE',
      message: `unsupported Content-Type ${String(request.headers['content-type'] ?? '(none)')}; send application/json or application/octet-stream`,
    };
  }
  // A buffer the system could not give: an overload of the moment, not a bug.
  if (error instanceof RangeError && /allocation failed|out of memory/i.test(error.message)) {
    return { code: 'RECTIFIER_OVERLOADED', message: 'not enough memory for this request now; retry after the Retry-After delay' };
  }
  const status = error.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return { code: BY_STATUS.get(status) ?? 'RECTIFIER_BAD_REQUEST', message: error.message || (STATUS_CODES[status] ?? 'client error') };
  }
  return { code: 'RECTIFIER_INTERNAL', message: 'internal error' };
}

/**
 * Node's clientError (a header with a control character, headers too large, a request past its
 * timeout): the catalogue's body, written straight to the socket since no request was formed.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ErrorCode =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'RECTIFIER_REQUEST_TIMEOUT' : err.code === 'HPE_HEADER_OVERFLOW' ? 'RECTIFIER_HEADERS_TOO_LARGE' : 'RECTIFIER_BAD_REQUEST';
  const message =
    code === 'RECTIFIER_REQUEST_TIMEOUT'
      ? 'the request was not received in full in time'
      : code === 'RECTIFIER_HEADERS_TOO_LARGE'
        ? 'the request headers are larger than the server accepts'
        : `the request is malformed (${err.code ?? 'parse error'}): check its headers for control characters and its framing`;
  const body = JSON.stringify(errorBody(code, message));
  const status = ERROR_CATALOGUE[code].statusCode;
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${newRequestId()}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

/** A message that names the field: `params.negative_slope must be number`. */
function fromValidation(issues: ValidationIssue[], context: string | undefined): { code: ErrorCode; message: string } {
  const issue = issues[0];
  const path = issue.instancePath.split('/').filter(Boolean);
  const field = path.join('.');
  let what = issue.message ?? 'is invalid';
  if (context === 'querystring') {
    const key = issue.keyword === 'additionalProperties' ? String(issue.params.additionalProperty) : field;
    const why = issue.keyword === 'additionalProperties' ? `is not a parameter of this function${allowed(issues)}` : what;
    return { code: 'RECTIFIER_INVALID_PARAMS', message: `query parameter ${key} ${why}` };
  }
  if (issue.keyword === 'additionalProperties') {
    const key = String(issue.params.additionalProperty);
    return {
      code: path[0] === 'params' ? 'RECTIFIER_INVALID_PARAMS' : 'RECTIFIER_INVALID_BODY',
      message: `${field ? `${field}.` : ''}${key} is not a known field${allowed(issues)}`,
    };
  }
  if (issue.keyword === 'required') what = `must have the field '${String(issue.params.missingProperty)}'`;
  const subject = field || (context === 'body' ? 'the body' : context ?? 'the request');
  return { code: path[0] === 'params' ? 'RECTIFIER_INVALID_PARAMS' : 'RECTIFIER_INVALID_BODY', message: `${subject} ${what}` };
}

function allowed(issues: ValidationIssue[]): string {
  const schema = (issues[0] as { parentSchema?: { properties?: Record<string, unknown> } }).parentSchema;
  const keys = schema?.properties ? Object.keys(schema.properties) : [];
  return keys.length > 0 ? ` (known: ${keys.join(', ')})` : ' (this function takes no parameters)';
}
