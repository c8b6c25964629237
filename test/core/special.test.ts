// special: the double-double primitives, exp, erfc and the scaled products the kernels rely on.
import t from 'tap';
import stdlibErfc from '@stdlib/math-base-special-erfc';
import {
  DD,
  ddDiv,
  erfc,
  erfcDD,
  expDD,
  exponentOf,
  log1pDD,
  mulExp,
  productLo,
  scale2,
  sigmoidDD,
  siluPrime,
  tanhDD,
  twoProductLo,
  twoSumLo,
} from '../../src/core/special.js';
import { ulpError, ulpOf } from '../helpers/ulp.js';

const ulps = (got: number, hi: number, lo = 0) => ulpError(got, { hi, lo });

t.test('error-free transformations are exact', async (t) => {
  // (1 + 2^-30)^2 = 1 + 2^-29 + 2^-60: the last term is the rounding error.
  const a = 1 + 2 ** -30;
  t.equal(twoProductLo(a, a, a * a), 2 ** -60);
  t.equal(twoSumLo(1, 2 ** -60, 1 + 2 ** -60), 2 ** -60);
  // Operands too large for Dekker's split are scaled; results too large or tiny give 0.
  t.equal(productLo(2 ** 1000 * a, 2 ** -1000 * a, a * a), 2 ** -60);
  t.equal(productLo(1e300, 1e10, 1e300 * 1e10), 0);
  // 1/3 in double-double: 3·(hi + lo) = 1 to 106 bits.
  const h = ddDiv(1, 0, 3, 0);
  const l = DD[1];
  const p = 3 * h;
  t.ok(Math.abs(p - 1 + twoProductLo(3, h, p) + 3 * l) < 2 ** -104);
});

t.test('powers of two and exponents', async (t) => {
  t.equal(scale2(1.25, -1074), 5e-324); // one rounding into the subnormals
  t.equal(scale2(1.5, -1074), 1e-323); // a tie, to even
  t.equal(scale2(1, 2000), Infinity);
  t.equal(scale2(1.5, 1023) / 2 ** 1023, 1.5);
  t.same([exponentOf(1), exponentOf(0.75), exponentOf(5e-324), exponentOf(-3e300)], [0, -1, -1074, 998]);
});

// Reference values: mpmath at 60 digits, rounded to the nearest double (hi, lo).
t.test('expDD carries about 2^-60 (values from mpmath)', async (t) => {
  t.ok(ulps(expDD(1, 0), 2.718281828459045) <= 0.5 + 1e-9);
  t.ok(Math.abs(DD[1] - 1.4456468917292502e-16) < 2 ** -58 * Math.E, `lo ${DD[1]}`);
  t.ok(ulps(expDD(-0.25, 0), 0.7788007830714049) <= 0.5);
  t.ok(ulps(expDD(709.5, 0), 1.3549863193146328e308) <= 0.5);
  t.equal(expDD(-745, 0), 5e-324);
  t.same([expDD(-Infinity, 0), expDD(Infinity, 0), expDD(NaN, 0)], [0, Infinity, NaN]);
});

t.test('mulExp forms m·e^v where e^v alone underflows (values from mpmath)', async (t) => {
  t.ok(ulps(mulExp(-745, 0, -745, 0), -2.105e-321) <= 1);
  t.ok(ulps(mulExp(2 ** 600, 0, -1000, 0), 2.106277047238147e-254) <= 1);
  t.equal(mulExp(3, 0, -1000, 0), 0);
  t.ok(Number.isNaN(mulExp(1, 0, NaN, 0)));
});

t.test('erfc (fdlibm approximations, double-double evaluation) against mpmath', async (t) => {
  const cases: [number, number][] = [
    [0.5, 0.4795001221869535],
    [0.84375, 0.23277433876765838],
    [1, 0.15729920705028513],
    [1.25, 0.07709987174354177],
    [2, 0.004677734981047266],
    [2.857142857142857, 5.3312311388322795e-5],
    [5, 1.537459794428035e-12],
    [10, 2.088487583762545e-45],
    [26, 5.663192408856143e-296],
  ];
  for (const [z, want] of cases) t.ok(ulps(erfc(z), want) <= 1, `erfc(${z}) = ${erfc(z)}`);
  t.same([erfc(0), erfc(-Infinity), erfc(Infinity), erfc(30)], [1, 2, 0, 0]);
  t.ok(Number.isNaN(erfc(NaN)));
});

t.test('erfc agrees with @stdlib/math-base-special-erfc within its own error (2.5 ULP)', async (t) => {
  let worst = 0;
  for (let z = -6; z < 27; z += 0.01374) {
    const e = Math.abs(erfc(z) - stdlibErfc(z)) / ulpOf(erfc(z));
    if (e > worst) worst = e;
  }
  t.ok(worst <= 2.5, `worst ${worst} ULP`);
});

t.test('the double-double argument of erfc is honoured', async (t) => {
  // erfc(z + dz) = erfc(z)(1 - 2z dz + ...) for large z: a low part of 2^-50 moves erfc(20) by ~40 ULP.
  const base = erfcDD(20, 0);
  const moved = erfcDD(20, 2 ** -50);
  const rel = (moved - base) / base;
  t.ok(Math.abs(rel / (-40 * 2 ** -50) - 1) < 0.01, `relative change ${rel}`);
});

t.test('log1p, sigmoid, tanh and silu\' in double-double', async (t) => {
  t.equal(log1pDD(1e-20, 0), 1e-20);
  t.ok(ulps(log1pDD(0.75, 0), 0.5596157879354227) <= 0.5);
  t.same([sigmoidDD(Infinity, 0), sigmoidDD(-Infinity, 0)], [1, 0]);
  t.ok(Number.isNaN(sigmoidDD(NaN, 0)));
  t.same([tanhDD(Infinity), tanhDD(-Infinity), tanhDD(-0)], [1, -1, -0]);
  t.same([siluPrime(Infinity, 0), siluPrime(-Infinity, 0), siluPrime(0, 0)], [1, -0, 0.5]);
});
