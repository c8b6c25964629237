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
