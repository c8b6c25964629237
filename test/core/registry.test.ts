// The registry: every name once, lookups by name.
import t from 'tap';
import { Registry, registry } from '../../src/core/registry.js';
import { relu } from '../../src/core/functions/relu.js';

t.test('rejects a duplicate name loudly', async (t) => {
  t.throws(() => new Registry([relu, relu]), /duplicate activation name: relu/);
});

t.test('finds every definition by its own name', async (t) => {
  for (const name of registry.names()) t.equal(registry.get(name)?.name, name);
  t.equal(registry.get('nope'), undefined);
});
