// Schema atoms shared by every route: the tensor value and the error body.
import { Type } from '@sinclair/typebox';
import { ERROR_CATALOGUE, ERROR_CODES } from '../errors.js';

/**
 * A number or a rectangular nested array of finite numbers, rank 0 to 8. Only the top level is
 * checked by the schema (a recursive schema would overflow on deep nesting and costs ~100 ns per
 * element); the JSON transport walks the elements iteratively and names the offending index.
 */
export const TensorSchema = Type.Union([Type.Number(), Type.Array(Type.Unknown())], {
  $id: 'Tensor',
  title: 'Tensor',
  description:
    'A finite number (rank 0) or a rectangular nested array of finite numbers of rank 1 to 8, row-major.',
  examples: [[[-1.5, 0, 2.25], [3, -4, 0.5]]],
});

export const ShapeSchema = Type.Array(Type.Integer({ minimum: 1 }), {
  $id: 'Shape',
  description: 'Dimensions of the output tensor, outermost first; [] for a scalar.',
});

export const ErrorSchema = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.Union(ERROR_CODES.map((c) => Type.Literal(c)), {
      description: ERROR_CODES.map((c) => `${c} (${ERROR_CATALOGUE[c].statusCode}): ${ERROR_CATALOGUE[c].description}`).join('\n'),
    }),
    error: Type.String({ description: 'The HTTP reason phrase.' }),
    message: Type.String({ description: 'What is wrong, naming the offending field or element index.' }),
  },
  { $id: 'Error', title: 'Error', additionalProperties: false },
);


/** Error responses of a route, by status, all with the one error body. */
export function errorResponses(...statuses: number[]): Record<number, { $ref: string; description: string }> {
  const out: Record<number, { $ref: string; description: string }> = {};
  for (const status of statuses) {
    const codes = ERROR_CODES.filter((c) => ERROR_CATALOGUE[c].statusCode === status);
    out[status] = { $ref: 'Error#', description: codes.map((c) => `${c}: ${ERROR_CATALOGUE[c].description}`).join(' ') };
  }
  return out;
}
