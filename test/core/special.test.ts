// special: the double-double primitives, exp, erfc and the scaled products the kernels rely on.
import t from 'tap';
import stdlibErfc from '@stdlib/math-base-special-erfc';
import {
  DD,
  ERFCX_LIMIT,
  ddDiv,
  ddMul,
  erfc,
  erfcDD,
  erfcxPlain,
  expDD,
  expLo,
  expPlain,
  exponentOf,
  log1pDD,
  log1pExpNegDD,
  log1pExpPlain,
  log1pLo,
  mulExp,
  productLo,
  scale2,
  sigmoidDD,
  siluPrime,
  tanhDD,
  tanhshrinkRatio,
  tanhshrinkSmallDD,
  twoProductLo,
  twoSumLo,
} from '../../src/core/special.js';
import { ulpError, ulpOf } from '../helpers/ulp.js';
import { random } from '../helpers/random.js';

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

// ---------------------------------------------------------------------------------------------
// The fast-path building blocks.

/** |(h + l) - (rh + rl)| / |rh|: the relative error of a double-double (or a double, l = 0). */
const rel = (h: number, l: number, rh: number, rl: number) => Math.abs(h - rh + (l - rl)) / Math.abs(rh);

t.test('expLo carries e^x to 2^-58 with its low part, expPlain to 2^-50 (values from mpmath)', async (t) => {
  const cases: [number, number, number][] = [
    [-700.5, 5.980196118639791e-305, -2.87e-321],
    [-0.3, 0.7408182206817179, -1.805530505953e-18],
    [1e-5, 1.00001000005, 9.70188425858504e-17],
    [3.7, 40.4473043600674, -1.2179541332469429e-15],
    [707.9, 2.7356701980001243e307, 1.440212249891014e291],
  ];
  for (const [x, hi, lo] of cases) {
    const h = expLo(x);
    t.ok(rel(h, DD[1], hi, lo) < 2 ** -58, `expLo(${x})`);
    t.ok(rel(expPlain(x), 0, hi, lo) < 2 ** -50, `expPlain(${x})`);
  }
  const rand = random(1);
  let worstLo = 0;
  let worstPlain = 0;
  for (let i = 0; i < 20000; i++) {
    const x = rand() * 1400 - 700;
    const rh = expDD(x, 0);
    const rl = DD[1];
    const h = expLo(x);
    worstLo = Math.max(worstLo, rel(h, DD[1], rh, rl));
    worstPlain = Math.max(worstPlain, rel(expPlain(x), 0, rh, rl));
  }
  t.ok(worstLo < 2 ** -57, `expLo against expDD (2^-60): worst 2^${Math.log2(worstLo).toFixed(1)}`);
  t.ok(worstPlain < 2 ** -50, `expPlain against expDD: worst 2^${Math.log2(worstPlain).toFixed(1)}`);
});

t.test('log1pLo carries log(1 + q) to 2^-58 (values from mpmath)', async (t) => {
  const cases: [number, number, number][] = [
    [0.283, 0.24920108563349935, 2.393854003159471e-18],
    [0.007812, 0.007781644317900872, -1.8838638570061408e-19],
    [0.99, 0.688134638736401, 6.4875583863583315e-18],
    [1e-5, 9.999950000333332e-6, -2.3868637284493416e-22],
  ];
  for (const [q, hi, lo] of cases) {
    const h = log1pLo(q, 0);
    t.ok(rel(h, DD[1], hi, lo) < 2 ** -58, `log1pLo(${q})`);
  }
  // The low part of the argument counts: log1p(q + ql) = log1p(q) + ql/(1 + q).
  const h1 = log1pLo(0.5, 2 ** -60);
  const l1 = DD[1];
  const h0 = log1pLo(0.5, 0);
  const moved = (h1 - h0 + (l1 - DD[1])) / (2 ** -60 / 1.5);
  t.ok(Math.abs(moved - 1) < 0.01, `ql moves the result by ql/(1 + q): ${moved}`);
  const rand = random(2);
  let worst = 0;
  for (let i = 0; i < 20000; i++) {
    const q = i % 2 ? rand() : 2 ** (-50 * rand());
    const rh = log1pDD(q, 0);
    const rl = DD[1];
    const h = log1pLo(q, 0);
    worst = Math.max(worst, rel(h, DD[1], rh, rl));
  }
  // log1pDD itself is good to about 2^-56 (its expm1's series) near q = 0.28.
  t.ok(worst < 2 ** -55, `log1pLo against log1pDD: worst 2^${Math.log2(worst).toFixed(1)}`);
});

t.test('log1pExpPlain gives log(1 + e^-a) and σ(-a) to 2^-48 (values from mpmath)', async (t) => {
  const cases: [number, number, number][] = [
    [0, 0.6931471805599453, 0.5],
    [0.7, 0.4031860488854579, 0.3318122278318339],
    [5.03125, 0.006509409910152251, 0.006488269596656705],
    [35.9, 2.5634691757977137e-16, 2.563469175797713e-16],
    [36.1, log1pExpNegDD(-36.1, 0), sigmoidDD(-36.1, 0)],
    [300, log1pExpNegDD(-300, 0), sigmoidDD(-300, 0)],
  ];
  for (const [a, l, s] of cases) {
    const got = log1pExpPlain(a);
    const sig = (DD[1] + DD[0]) / (1 + DD[0]);
    t.ok(rel(got, 0, l, 0) < 2 ** -48, `log(1 + e^-${a}): ${got}`);
    t.ok(rel(sig, 0, s, 0) < 2 ** -48, `σ(-${a}): ${sig}`);
  }
  const rand = random(3);
  let worst = 0;
  for (let i = 0; i < 20000; i++) {
    const a = rand() * 40;
    worst = Math.max(worst, rel(log1pExpPlain(a), 0, log1pExpNegDD(-a, 0), DD[1]));
  }
  t.ok(worst < 2 ** -48, `against log1pExpNegDD: worst 2^${Math.log2(worst).toFixed(1)}`);
});

t.test('erfcxPlain gives e^{z^2}·erfc(z) to 2^-47 up to ERFCX_LIMIT (values from mpmath)', async (t) => {
  const cases: [number, number][] = [
    [0, 1],
    [0.3, 0.7345993345676551],
    [1, 0.427583576155807],
    [4.2, 0.13080849231114205],
    [10.4, 0.05400161720567466],
  ];
  for (const [z, want] of cases) t.ok(rel(erfcxPlain(z), 0, want, 0) < 2 ** -47, `erfcx(${z}) = ${erfcxPlain(z)}`);
  t.ok(ERFCX_LIMIT >= 10.4, 'the table reaches z = 10.4 (|x| = 14.7, past float32 gelu\'s non-trivial range)');
  const rand = random(4);
  let worst = 0;
  for (let i = 0; i < 20000; i++) {
    const z = rand() * ERFCX_LIMIT;
    const e = erfcDD(z, 0);
    const el = DD[1];
    const z2 = ddMul(z, 0, z, 0);
    const x = expDD(z2, DD[1]);
    const rh = ddMul(e, el, x, DD[1]);
    worst = Math.max(worst, rel(erfcxPlain(z), 0, rh, DD[1]));
  }
  t.ok(worst < 2 ** -47, `against erfcDD·e^{z^2}: worst 2^${Math.log2(worst).toFixed(1)}`);
});

t.test('tanhshrinkRatio is (x - tanh x)/x^3 to 2^-51 for |x| < 0.75', async (t) => {
  let worst = 0;
  for (let x = 1e-4; x < 0.75; x += 0.00037) {
    const c = x * x * x;
    const want = tanhshrinkSmallDD(x) / c;
    worst = Math.max(worst, rel(tanhshrinkRatio(x * x), 0, want, 0));
  }
  t.ok(worst < 2 ** -51, `worst 2^${Math.log2(worst).toFixed(1)}`);
});
