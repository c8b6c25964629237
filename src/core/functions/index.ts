// Every catalogue entry, in the order GET /activations lists them.
import type { ActivationDefinition } from '../definition.js';
import { relu } from './relu.js';

export const ALL_DEFINITIONS: readonly ActivationDefinition[] = [
  relu,
];
