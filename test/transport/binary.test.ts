// Binary codec pieces: shape headers, query-string params.
import t from 'tap';
import { Type } from '@sinclair/typebox';
import { paramsFromQuery, parseShape } from '../../src/transport/binary.js';

t.test('X-Shape parsing', async (t) => {
  t.same(parseShape('32,1024'), [32, 1024]);
  t.same(parseShape(' 2, 3 '), [2, 3]);
  t.same(parseShape(''), []);
  t.equal(parseShape(undefined), undefined);
  t.throws(() => parseShape('0,3'), /X-Shape must be/);
  t.throws(() => parseShape('1,2,3,4,5,6,7,8,9'), /up to 8/);
});

t.test('query params are converted by their schema', async (t) => {
  const props = {
    alpha: Type.Union([Type.Number(), Type.Array(Type.Number())]),
    approximate: Type.Union([Type.Literal('none'), Type.Literal('tanh')]),
    threshold: Type.Union([Type.Number(), Type.Null()]),
    keepdim: Type.Boolean(),
    dim: Type.Integer(),
  };
  t.same(paramsFromQuery({ alpha: '0.1,0.2', approximate: 'tanh', threshold: 'null', keepdim: 'true', dim: '-1' }, props), {
    alpha: [0.1, 0.2], approximate: 'tanh', threshold: null, keepdim: true, dim: -1,
  });
  t.same(paramsFromQuery({ alpha: '0.25' }, props), { alpha: 0.25 });
  t.same(paramsFromQuery({ dim: '1e999' }, props), { dim: '1e999' }, 'non-finite stays text for the schema to reject');
});
