// POST /gradients/{name}: VJPs, default upstream gradient, parameter gradients, kinks, shape errors.
import t from 'tap';
import { registry } from '../../src/core/registry.js';
import { ones } from '../../src/core/tensor.js';
import { postJson, testApp } from '../helpers/app.js';
import { sampleRequest } from '../helpers/requests.js';

t.test('every function answers a gradient request; grad_params has every learnable parameter', async (t) => {
  const app = await testApp(t);
  for (const name of registry.names()) {
    const def = registry.get(name)!;
    const req = sampleRequest(name);
    const res = await postJson(app, `/gradients/${name}`, req);
    t.equal(res.status, 200, `${name}: ${JSON.stringify(res.body)}`);
    t.same(res.body.shape, [2, 4], `${name} grad_input has x's shape`);
    t.same(Object.keys(res.body.grad_params).sort(), [...def.learnable].sort(), `${name} grad_params keys`);
    t.equal('kink' in res.body, def.hasKink, `${name} echoes kink only when it has one`);
    const x = { data: new Float64Array(req.x.flat()), shape: [2, 4] };
    const outShape = def.outputShape?.(x.shape, res.body.params) ?? x.shape;
    const expected = def.backward(x, ones(outShape), res.body.params, 'torch');
    t.same((res.body.grad_input as number[][]).flat(), [...expected.gradInput.data], `${name}: default grad_output is ones`);
  }
});

t.test('grad_output scales the VJP; prelu per channel returns one gradient per channel', async (t) => {
  const app = await testApp(t);
  const res = await postJson(app, '/gradients/prelu', {
    x: [[-1, 2], [-3, -4]],
    grad_output: [[2, 5], [1, 0.5]],
    params: { alpha: [0.1, 0.2] },
  });
  t.equal(res.status, 200, JSON.stringify(res.body));
  // d/dx: 0.1 on channel 0 and 0.2 on channel 1 where x < 0, times grad_output.
  t.same(res.body.grad_input, [[2 * 0.1, 5], [1 * 0.1, 0.5 * 0.2]]);
  // d/dalpha_c = sum over the batch of g * x where x < 0: channel 0: 2*-1 + 1*-3; channel 1: 0.5*-4.
  t.same(res.body.grad_params, { alpha: [-5, -2] });
});

t.test('kink selects the derivative exactly at the kink', async (t) => {
  const app = await testApp(t);
  const torch = await postJson(app, '/gradients/relu', { x: [0] });
  const left = await postJson(app, '/gradients/relu', { x: [0], kink: 'left' });
  const right = await postJson(app, '/gradients/relu', { x: [0], kink: 'right' });
  t.same([torch.body.grad_input, left.body.grad_input, right.body.grad_input], [[0], [0], [1]]);
  t.same([torch.body.kink, right.body.kink], ['torch', 'right']);
  const bad = await postJson(app, '/gradients/relu', { x: [0], kink: 'middle' });
  t.same([bad.status, bad.body.code], [400, 'RECTIFIER_INVALID_BODY']);
  t.match(bad.body.message, /^kink /);
  const smooth = await postJson(app, '/gradients/sigmoid', { x: [0], kink: 'left' });
  t.same([smooth.status, smooth.body.code], [400, 'RECTIFIER_INVALID_BODY']);
  t.match(smooth.body.message, /kink is not a known field/);
});

t.test('grad_output of the wrong shape or content is a 400 naming it', async (t) => {
  const app = await testApp(t);
  const wrong = await postJson(app, '/gradients/relu', { x: [[1, 2, 3]], grad_output: [[1, 2]] });
  t.same([wrong.status, wrong.body.code], [400, 'RECTIFIER_SHAPE_MISMATCH']);
  t.match(wrong.body.message, /grad_output has shape \[1, 2\] but the output of relu has shape \[1, 3\]/);
  const bad = await postJson(app, '/gradients/relu', { x: [1, 2], grad_output: [1, 'a'] });
  t.same([bad.status, bad.body.code], [400, 'RECTIFIER_INVALID_TENSOR']);
  t.match(bad.body.message, /^grad_output\[1\]: /);
  const reduced = await postJson(app, '/gradients/logsumexp', { x: [[1, 2, 3]], grad_output: [[1, 1, 1]] });
  t.same([reduced.status, reduced.body.code], [400, 'RECTIFIER_SHAPE_MISMATCH']);
  t.match(reduced.body.message, /output of logsumexp has shape \[1\]/);
});

t.test('unknown function: 404 on the gradient route too', async (t) => {
  const app = await testApp(t);
  const res = await postJson(app, '/gradients/sigmod', { x: 1 });
  t.same([res.status, res.body.code], [404, 'RECTIFIER_UNKNOWN_FUNCTION']);
  t.match(res.body.message, /sigmoid/);
});
