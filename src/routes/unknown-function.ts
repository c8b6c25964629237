// The 404 for a name the catalogue does not hold, with the close names a caller probably meant.
import { registry } from '../core/registry.js';
import { ApiError } from '../errors.js';

export function unknownFunction(name: string): never {
  const close = registry.closest(name);
  const hint = close.length > 0 ? ` Did you mean ${close.join(', ')}?` : '';
  throw new ApiError(
    'RECTIFIER_UNKNOWN_FUNCTION',
    `no activation function named '${name}'.${hint} GET /activations lists all ${registry.names().length}.`,
  );
}
