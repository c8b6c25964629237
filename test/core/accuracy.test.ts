// Holds every catalogue function to the 50-digit mpmath reference in test/fixtures/reference/.
//
// The fixtures come from test/fixtures/generate_reference.py (regenerate with
// `python3 test/fixtures/generate_reference.py`); docs/ACCURACY.md lists the measured worst cases
// (`npm run accuracy`). The rules, exactly as test/helpers/accuracy.ts applies them:
// - ULP error = |got - ref| / ulp(ref), ref = hi + lo (50-digit value carried as two doubles),
//   ulp(v) = spacing of the doubles at |v| (2^-1074 at zero and for subnormals); +0 equals -0;
//   a non-finite reference must be matched exactly, any other non-finite result fails.
// - Elementwise: forward and derivative (grad_output = 1) <= 2 ULP; VJP with a random grad_output
//   <= 2.5 ULP (the product g * f' adds at most half an ULP; as ULPs of the product a derivative
//   2 ULP off can count up to twice, so 2.5 presumes derivatives nearer 1 ULP).
// - Axis functions and logsumexp: <= 8 ULP. Where the exact value is a sum, the ULP is taken at
//   S = max(|ref|, sum of the magnitudes of its terms) (fixture fields y_scale, grad_input_scale):
//   logsumexp m + L -> |m| + |L|; log_softmax d_i - L -> |d_i| + |L|; softmax/softmin VJP
//   p_i (g_i - sum g_j p_j) -> p_i (|g_i| + sum |g_j| p_j); log_softmax VJP g_i - p_i sum g_j ->
//   |g_i| + p_i sum |g_j| (m = row max, d = x - m, L = log sum e^d, p = softmax). Products
//   (softmax/softmin/glu forward, logsumexp and glu VJPs) are held to 8 ULP of the value itself.
// - grad_params (sums over the batch) <= 8 ULP of grad_params_scale = sum |g * dy/dparam|.
// - Cases labelled derivative-roots (the doubles nearest a root of f', where f' is computed by
//   cancellation-free forms or a Taylor series about the root) are held to the same bounds.
import t from 'tap';
import { registry } from '../../src/core/registry.js';
import { measureCase } from '../helpers/accuracy.js';
import { fixtureNames, loadReference } from '../helpers/reference.js';
import { formatUlp } from '../helpers/ulp.js';

t.test('every registry function has a fixture and every fixture a registry function', async (t) => {
  const names = registry.names().sort();
  const fixtures = fixtureNames();
  t.same(names.filter((n) => !fixtures.includes(n)), [], 'registry functions without a reference fixture');
  t.same(fixtures.filter((n) => !names.includes(n)), [], 'fixtures without a registry function');
});

for (const def of registry.all()) {
  t.test(def.name, async (t) => {
    let file;
    try {
      file = loadReference(def.name);
    } catch (err) {
      t.fail((err as Error).message);
      return;
    }
    t.equal(file.kind, def.kind, `${def.name}: the fixture's kind matches the definition's`);
    t.ok(file.cases.length > 0, `${def.name}: the fixture has cases`);
    for (const c of file.cases) {
      const title = `${c.label} ${JSON.stringify(c.params)}`;
      t.test(title, async (t) => {
        const r = measureCase(def, c);
        for (const e of r.errors) t.fail(e);
        for (const q of r.quantities) {
          for (const v of q.violations) t.fail(v.message);
          t.ok(q.worst <= q.bound, `${def.name} ${c.label} ${q.quantity}: worst ${formatUlp(q.worst)} ULP <= ${q.bound}`, {
            worstAt: q.worstAt,
          });
        }
      });
    }
  });
}
