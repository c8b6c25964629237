// Request and response schemas of one function's routes, built from its registry definition.
import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import type { ActivationDefinition } from '../core/definition.js';
import { KINKS } from '../core/definition.js';
import { ShapeSchema, TensorSchema } from './common.js';

/** The params object of a definition, optional in the body: defaults are filled in when absent. */
function paramsProperty(def: ActivationDefinition): TSchema {
  return Type.Optional({ ...def.params, default: {}, description: `Parameters of ${def.name}; defaults are filled in.` } as TObject);
}

export const KinkSchema = Type.Union(KINKS.map((k) => Type.Literal(k)), {
  default: 'torch',
  description:
    "The derivative used exactly at a kink point: 'torch' as PyTorch does (relu'(0) = 0), 'left' or 'right' the one-sided derivative.",
});

/** The body of a binary request: raw little-endian values (x, then grad_output for gradients). */
export function binaryBodySchema(gradient: boolean): TSchema {
  return Type.Unsafe({
    contentMediaType: 'application/octet-stream',
    description: gradient
      ? 'Little-endian row-major values of x, optionally followed by grad_output (same dtype, the output\'s shape); ' +
        'X-Dtype (float32 | float64) and X-Shape (e.g. 32,1024) headers are required.'
      : 'Little-endian row-major values of x; X-Dtype (float32 | float64) is required, X-Shape (e.g. 32,1024) ' +
        'defaults to one axis.',
  });
}

/** Query parameters of a binary request: the function's params as text (`?alpha=0.1,0.2`). */
export function binaryQuerySchema(def: ActivationDefinition, gradient: boolean): TObject {
  const properties: Record<string, TSchema> = {};
  for (const [name, schema] of Object.entries(def.params.properties as Record<string, TSchema>)) {
    const text = schema.description ? ` ${schema.description}` : '';
    properties[name] = Type.Optional(
      Type.String({ description: `Binary requests only (JSON requests use "params").${text} Arrays comma-separated.` }),
    );
  }
  if (gradient && def.hasKink) {
    properties.kink = Type.Optional(Type.String({ description: 'Binary requests only: torch, left or right.' }));
  }
  return Type.Object(properties, { additionalProperties: false });
}

export function forwardBodySchema(def: ActivationDefinition): TObject {
  return Type.Object(
    { x: Type.Ref(TensorSchema), params: paramsProperty(def) },
    { additionalProperties: false, title: `${def.name} forward request` },
  );
}

export function gradientBodySchema(def: ActivationDefinition): TObject {
  const properties: Record<string, TSchema> = {
    x: Type.Ref(TensorSchema),
    grad_output: Type.Optional(
      Type.Ref(TensorSchema, { description: "Upstream gradient with the output's shape; all ones when absent." }),
    ),
    params: paramsProperty(def),
  };
  if (def.hasKink) properties.kink = Type.Optional(KinkSchema);
  return Type.Object(properties, { additionalProperties: false, title: `${def.name} gradient request` });
}

export function forwardResponseSchema(def: ActivationDefinition): TObject {
  return Type.Object(
    {
      name: Type.Literal(def.name),
      shape: Type.Ref(ShapeSchema),
      y: Type.Ref(TensorSchema, { description: 'The output, nested like x (a reduction drops or keeps the axis).' }),
      params: { ...def.params, description: 'The effective parameters, defaults filled in.' } as TObject,
    },
    { additionalProperties: false },
  );
}

export function gradientResponseSchema(def: ActivationDefinition): TObject {
  const gradParams: Record<string, TSchema> = {};
  for (const name of def.learnable) {
    gradParams[name] = Type.Union([Type.Number(), Type.Array(Type.Number())], {
      description: `d(loss)/d(${name}) summed over the batch (one value per channel for an array parameter).`,
    });
  }
  const properties: Record<string, TSchema> = {
    name: Type.Literal(def.name),
    shape: Type.Ref(ShapeSchema),
    grad_input: Type.Ref(TensorSchema, { description: 'd(loss)/dx, with the shape of x.' }),
    grad_params: Type.Object(gradParams, { additionalProperties: false }),
    params: { ...def.params, description: 'The effective parameters, defaults filled in.' } as TObject,
  };
  if (def.hasKink) properties.kink = KinkSchema;
  return Type.Object(properties, { additionalProperties: false });
}
