// The one error handler: maps every failure to the error catalogue; 5xx bodies show nothing internal.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { ApiError, ERROR_CATALOGUE, type ErrorCode } from './errors.js';
import type { ErrorBody } from './schemas/common.js';

interface ValidationIssue {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

export function errorBody(code: ErrorCode, message: string): ErrorBody {
  const statusCode = ERROR_CATALOGUE[code].statusCode;
  return { statusCode, code, error: STATUS_CODES[statusCode] ?? 'Error', message };
}

/** Seconds a client should wait before retrying a 503. */
export const RETRY_AFTER_SECONDS = 1;

export function sendError(reply: FastifyReply, code: ErrorCode, message: string): FastifyReply {
  const body = errorBody(code, message);
  if (body.statusCode === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  return reply.code(body.statusCode).type('application/json; charset=utf-8').send(JSON.stringify(body));
}

/**
 * The app's error handler. Body-reading failures (invalid JSON, too large, short bodies) arrive as
 * ApiErrors from the app's own parsers (transport/body-parsers.ts); Fastify's remaining errors
 * are schema validation and an unsupported Content-Type.
 */
export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.name === 'AbortError' && reply.raw.destroyed) {
    // The client disconnected and its task was cancelled: there is no one to answer.
    request.log.info('client closed the connection; task cancelled');
    reply.hijack();
    reply.raw.destroy();
    return reply;
  }
  const { code, message } = classify(error, request);
  if (ERROR_CATALOGUE[code].statusCode >= 500 && code !== 'RECTIFIER_OVERLOADED') {
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
  return { code: 'RECTIFIER_INTERNAL', message: 'internal error' };
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
