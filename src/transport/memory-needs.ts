// What a request may hold in memory at once, known from its headers before its body is read.
import { MAX_RANK } from '../core/tensor.js';
import type { BinaryPlan } from './binary.js';
import { maxTensorJsonBytes } from './json-text.js';

/** The shortest JSON text of a number and its separator ("0,"): a body of L bytes holds at most L/2 numbers. */
const MIN_JSON_BYTES_PER_NUMBER = 2;

/**
 * Transient bytes per body byte while a JSON body is parsed: its text as a string, then the arrays
 * JSON.parse builds (measured: ~1.6 for 1M numbers in 20 MB; 2 leaves room for two-byte text).
 */
const JSON_PARSE_BYTES_PER_BODY_BYTE = 2;

/** Room for the answer's fields around its tensor (name, shape, params from a query string, grad_params). */
const ANSWER_ENVELOPE_BYTES = 16 * 1024;

/**
 * A binary request: its body (x, and grad_output or the ones that replace it), grad_input or y in
 * x's element type (an output never has more elements than x), and the answer's text when it is JSON.
 */
export function binaryRequestBytes(plan: BinaryPlan, gradient: boolean, jsonAnswer: boolean): number {
  const xBytes = plan.elements * plan.itemSize;
  const body = Math.max(...plan.lengths);
  const ones = gradient ? xBytes : 0;
  const answer = jsonAnswer ? maxTensorJsonBytes(plan.elements, plan.shape.length) + ANSWER_ENVELOPE_BYTES : 0;
  return body + ones + xBytes + answer;
}

/**
 * A JSON request of `bodyBytes` (declared, or the most a chunked body may have): the body, its
 * parse, x and grad_output decoded as float64 (at most `maxElements` each, at most half the body's
 * bytes in all), the output, and the answer's text, or its bytes when the answer is binary.
 */
export function jsonRequestBytes(bodyBytes: number, maxElements: number, gradient: boolean): number {
  const numbers = Math.ceil(bodyBytes / MIN_JSON_BYTES_PER_NUMBER);
  const x = Math.min(maxElements, numbers);
  const tensors = 8 * Math.min(numbers, gradient ? 2 * maxElements : maxElements);
  const ones = gradient ? 8 * x : 0;
  const output = 8 * x;
  // The answer echoes params, which came in the body.
  const answer = maxTensorJsonBytes(x, MAX_RANK) + ANSWER_ENVELOPE_BYTES + bodyBytes;
  return bodyBytes * (1 + JSON_PARSE_BYTES_PER_BODY_BYTE) + tensors + ones + output + answer;
}

/** The same once a large body is parsed and its text freed: the decoded tensors and what follows from them. */
export function parsedJsonRequestBytes(xElements: number, gradElements: number, gradient: boolean, paramBytes: number): number {
  const ones = gradient && gradElements === 0 ? 8 * xElements : 0;
  return 8 * (xElements + gradElements + xElements) + ones + maxTensorJsonBytes(xElements, MAX_RANK) + ANSWER_ENVELOPE_BYTES + paramBytes;
}
