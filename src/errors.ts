// The catalogue of error codes: every error the API answers carries one of these codes.
import { STATUS_CODES } from 'node:http';

export interface ErrorEntry {
  statusCode: number;
  /** When a client sees it and what to do. Documented in openapi.yaml. */
  description: string;
}

export const ERROR_CATALOGUE = {
  RECTIFIER_BAD_REQUEST: {
    statusCode: 400,
    description: 'The request itself is malformed: its URL, a header (a control character, say) or its framing.',
  },
  RECTIFIER_INVALID_JSON: { statusCode: 400, description: 'The body is not valid JSON.' },
  RECTIFIER_INVALID_BODY: {
    statusCode: 400,
    description:
      'The body does not match the request schema (missing or unknown field, wrong type), nests deeper than 64 levels, ' +
      'or its length disagrees with Content-Length.',
  },
  RECTIFIER_INVALID_TENSOR: {
    statusCode: 400,
    description: 'x or grad_output is not a rectangular array of finite numbers of rank 0 to 8; the message names the element index.',
  },
  RECTIFIER_INVALID_PARAMS: {
    statusCode: 400,
    description: 'A parameter is unknown, missing, out of range, or does not fit the input shape.',
  },
  RECTIFIER_INVALID_BINARY: {
    statusCode: 400,
    description: 'A binary body whose X-Dtype, X-Shape or byte length do not agree; the message states the expected length.',
  },
  RECTIFIER_SHAPE_MISMATCH: {
    statusCode: 400,
    description: "grad_output does not have the shape of the function's output.",
  },
  RECTIFIER_UNAUTHORIZED: {
    statusCode: 401,
    description: 'API keys are required (API_KEYS) and the request has no `Authorization: Bearer <key>` header with a valid one.',
  },
  RECTIFIER_FORBIDDEN: { statusCode: 403, description: 'The path is not one the server will read (a static file outside its folder).' },
  RECTIFIER_UNKNOWN_FUNCTION: {
    statusCode: 404,
    description: 'No activation function has this name; the message lists close names.',
  },
  RECTIFIER_NOT_FOUND: { statusCode: 404, description: 'No route matches the method and path.' },
  RECTIFIER_NOT_ACCEPTABLE: {
    statusCode: 406,
    description: 'The Accept header excludes every representation this route can answer with.',
  },
  RECTIFIER_REQUEST_TIMEOUT: {
    statusCode: 408,
    description: 'The request was not received in full within REQUEST_TIMEOUT_MS (or its headers within HEADERS_TIMEOUT_MS).',
  },
  RECTIFIER_LENGTH_REQUIRED: {
    statusCode: 411,
    description:
      'A binary body without X-Shape, or a JSON body over JSON_OFFLOAD_BYTES, was sent without Content-Length: the memory ' +
      'it needs is reserved before it is read.',
  },
  RECTIFIER_PRECONDITION_FAILED: { statusCode: 412, description: 'A conditional request (If-Match, If-Unmodified-Since) of a static file failed.' },
  RECTIFIER_BODY_TOO_LARGE: {
    statusCode: 413,
    description:
      'The request body exceeds the configured byte limit, cannot be valid for its X-Dtype and element limit, or needs more ' +
      'working memory than the whole memory budget.',
  },
  RECTIFIER_TOO_MANY_ELEMENTS: {
    statusCode: 413,
    description: 'A tensor has more elements than the configured limit.',
  },
  RECTIFIER_UNSUPPORTED_MEDIA_TYPE: {
    statusCode: 415,
    description: 'The Content-Type is not one this route accepts (application/json or application/octet-stream).',
  },
  RECTIFIER_RANGE_NOT_SATISFIABLE: { statusCode: 416, description: 'The Range of a static file request lies outside the file.' },
  RECTIFIER_NON_FINITE_RESULT: {
    statusCode: 422,
    description: 'The result holds a value JSON cannot carry (Infinity or NaN); use the binary transport.',
  },
  RECTIFIER_RATE_LIMITED: {
    statusCode: 429,
    description: 'This client sent more requests than RATE_LIMIT_MAX in RATE_LIMIT_WINDOW_MS; retry after the Retry-After seconds.',
  },
  RECTIFIER_HEADERS_TOO_LARGE: { statusCode: 431, description: 'The request headers exceed the server\'s header size limit.' },
  RECTIFIER_OVERLOADED: {
    statusCode: 503,
    description:
      'Every compute slot (threads + queue) or the memory budget is taken now, or a worker ran out of memory; retry after ' +
      'the Retry-After seconds (or on another instance).',
  },
  RECTIFIER_TIMEOUT: {
    statusCode: 503,
    description: 'The computation ran past TASK_TIMEOUT_MS and was stopped; retry after the Retry-After seconds, or send a smaller batch.',
  },
  RECTIFIER_INTERNAL: {
    statusCode: 500,
    description: 'An unexpected failure; the body never carries internal details. Logged with the request id.',
  },
} as const satisfies Record<string, ErrorEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

/** An error meant for the client: its code fixes the status; its message is shown as it is. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.statusCode = ERROR_CATALOGUE[code].statusCode;
  }
}

/** The one error body: `{ statusCode, code, error, message }`, the status from the catalogue. */
export interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  error: string;
  message: string;
}

export function errorBody(code: ErrorCode, message: string): ErrorBody {
  const statusCode = ERROR_CATALOGUE[code].statusCode;
  return { statusCode, code, error: STATUS_CODES[statusCode] ?? 'Error', message };
}
