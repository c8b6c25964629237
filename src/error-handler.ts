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

export interface BodyLimits {
  JSON_BODY_LIMIT: number;
  BINARY_BODY_LIMIT: number;
}

/** The app's error handler; the body limits make 413 messages state the limit. */
export function makeErrorHandler(limits: BodyLimits) {
  return function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    if (error.name === 'AbortError' && reply.raw.destroyed) {
      // The client disconnected and its task was cancelled: there is no one to answer.
      request.log.info('client closed the connection; task cancelled');
      reply.hijack();
      reply.raw.destroy();
      return reply;
    }
    const { code, message } = classify(error, request, limits);
    if (ERROR_CATALOGUE[code].statusCode >= 500 && code !== 'RECTIFIER_OVERLOADED') {
      request.log.error({ err: error }, 'request failed');
    } else {
      request.log.info({ code, message }, 'request rejected');
    }
    return sendError(reply, code, message);
  };
}

function classify(error: FastifyError, request: FastifyRequest, limits: BodyLimits): { code: ErrorCode; message: string } {
  if (error instanceof ApiError) return { code: error.code, message: error.message };
  if (error.validation) return fromValidation(error.validation as ValidationIssue[], error.validationContext);
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { code: 'RECTIFIER_INVALID_JSON', message: 'the body is not valid JSON' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { code: 'RECTIFIER_INVALID_JSON', message: 'the body is empty; send a JSON object' };
    case 'FST_ERR_CTP_BODY_TOO_LARGE': {
      const binary = /octet-stream/i.test(String(request.headers['content-type']));
      const limit = binary ? limits.BINARY_BODY_LIMIT : limits.JSON_BODY_LIMIT;
      return {
        code: 'RECTIFIER_BODY_TOO_LARGE',
        message: `the body exceeds the ${binary ? 'binary' : 'JSON'} body limit of ${limit} bytes`,
      };
    }
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return {
        code: 'RECTIFIER_UNSUPPORTED_MEDIA_TYPE',
        message: `unsupported Content-Type ${String(request.headers['content-type'] ?? '(none)')}; send application/json or application/octet-stream`,
      };
  }
  // Parser errors such as malformed JSON carry a 4xx status and a safe message.
  if (error.statusCode === 400 && error instanceof SyntaxError) {
    return { code: 'RECTIFIER_INVALID_JSON', message: `the body is not valid JSON: ${error.message}` };
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
