// Filling parameter defaults and checking parameter values against a definition's schema.
import { Value } from '@sinclair/typebox/value';
import type { ActivationDefinition, ParamValues } from './definition.js';

export type ParamsResult = { ok: true; params: ParamValues } | { ok: false; field: string; message: string };

/**
 * The effective parameters: defaults filled in, schema checked, then the definition's own
 * shape-dependent check. The HTTP layer validates bodies with Ajv against the same schema; this is
 * the path for callers without Ajv (binary query strings, tests, the worker).
 */
export function resolveParams(
  def: ActivationDefinition,
  raw: unknown,
  shape: readonly number[],
): ParamsResult {
  const params = Value.Default(def.params, structuredClone(raw ?? {})) as ParamValues;
  const first = Value.Errors(def.params, params).First();
  if (first) {
    const field = first.path.replace(/^\//, '').replace(/\//g, '.');
    return { ok: false, field: field ? `params.${field}` : 'params', message: first.message };
  }
  const problem = def.check?.(params as never, shape);
  if (problem) return { ok: false, field: 'params', message: problem };
  return { ok: true, params };
}
