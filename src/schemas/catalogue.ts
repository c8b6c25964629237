// The catalogue entry served by GET /activations and GET /activations/{name}.
import { Type, type Static } from '@sinclair/typebox';

export const CatalogueEntrySchema = Type.Object(
  {
    name: Type.String(),
    summary: Type.String(),
    formula: Type.String({ description: 'LaTeX of the forward function.' }),
    kind: Type.Union([Type.Literal('elementwise'), Type.Literal('axis'), Type.Literal('reduction')]),
    params: Type.Object({}, { additionalProperties: true, description: 'JSON Schema of the params object, with defaults and ranges.' }),
    learnable: Type.Array(Type.String(), { description: 'Parameters that have gradients in grad_params.' }),
    kink: Type.Boolean({ description: 'True when gradient requests accept `kink`.' }),
    properties: Type.Object(
      {
        monotonic: Type.Boolean(),
        smooth: Type.Boolean(),
        bounded: Type.Boolean(),
        zero_centred: Type.Boolean(),
        range: Type.String({ description: 'Output range with the default parameters.' }),
      },
      { additionalProperties: false },
    ),
    routes: Type.Object({ forward: Type.String(), gradient: Type.String() }, { additionalProperties: false }),
  },
  { $id: 'CatalogueEntry', title: 'CatalogueEntry', additionalProperties: false },
);

export type CatalogueEntry = Static<typeof CatalogueEntrySchema>;

export const CatalogueSchema = Type.Object(
  { functions: Type.Array(Type.Ref(CatalogueEntrySchema)) },
  { additionalProperties: false },
);
