// Kernel micro-benchmark: ns per element of every registry function, beside a TypedArray copy.
//
// `node --import tsx bench/kernels.ts [--quick] [--only name,name]`. For each function, float32 and
// float64, 2^20 elements (axis functions and logsumexp: rows of 1024), forward and backward (a
// random grad_output) write into reused output buffers, so page faults of fresh 4–8 MB buffers do
// not count. Each kernel is warmed up with both element types first (as a service sees both, the
// loops run as they do in production), then timed several times; the median is printed with its
// ratio to `dst.set(src)` of the same size and element type, measured in the same run.
import os from 'node:os';
import type { ActivationDefinition, FloatArray, Tensor } from '../src/core/definition.js';
import { resolveParams } from '../src/core/params.js';
import { registry } from '../src/core/registry.js';
import { random } from '../test/helpers/random.js';

const ELEMENTS = 1 << 20;
const ROW = 1024;
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.indexOf('--only');
const only = onlyArg >= 0 ? new Set(args[onlyArg + 1]?.split(',')) : undefined;
const WARMUP = quick ? 1 : 3;
const RUNS = quick ? 3 : 9;

/** Parameters for the functions without usable defaults; everything else runs with its defaults. */
const BENCH_PARAMS: Record<string, Record<string, unknown>> = {
  threshold: { threshold: 0.5, value: -1 },
};

type DType = 'float32' | 'float64';
const DTYPES: readonly DType[] = ['float32', 'float64'];

function alloc(dtype: DType, n: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

/** Uniform on [-8, 8): half the inputs negative in random order, the worst case for branches. */
const X_VALUES = (() => {
  const rand = random(1);
  const v = new Float64Array(ELEMENTS);
  for (let i = 0; i < ELEMENTS; i++) v[i] = rand() * 16 - 8;
  return v;
})();
const G_VALUES = (() => {
  const rand = random(2);
  const v = new Float64Array(ELEMENTS);
  for (let i = 0; i < ELEMENTS; i++) v[i] = rand() * 4 - 2;
  return v;
})();

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median ns per element of `run` over RUNS timed calls after WARMUP untimed ones. */
function nsPerElement(run: () => void, warmup = WARMUP, runs = RUNS): number {
  for (let k = 0; k < warmup; k++) run();
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t0 = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - t0) / ELEMENTS);
  }
  return median(times);
}

interface Case {
  forward: () => void;
  backward: () => void;
}

/** The buffers and calls for one function and element type. */
function prepare(def: ActivationDefinition, dtype: DType): Case {
  const shape = def.kind === 'elementwise' ? [ELEMENTS] : [ELEMENTS / ROW, ROW];
  const resolved = resolveParams(def, BENCH_PARAMS[def.name] ?? {}, shape);
  if (!resolved.ok) throw new Error(`${def.name}: ${resolved.field}: ${resolved.message}`);
  const params = resolved.params as never;
  const data = alloc(dtype, ELEMENTS);
  data.set(X_VALUES);
  const x: Tensor = { data, shape };
  const outShape = def.outputShape?.(shape, params) ?? shape;
  const outSize = outShape.reduce((a, b) => a * b, 1);
  const y = alloc(dtype, outSize);
  const g = alloc(dtype, outSize);
  g.set(G_VALUES.subarray(0, outSize));
  const gradOutput: Tensor = { data: g, shape: outShape };
  const gx = alloc(dtype, ELEMENTS);
  return {
    forward: () => void def.forward(x, params, y),
    backward: () => void def.backward(x, gradOutput, params, 'torch', gx),
  };
}

function copyBaseline(dtype: DType): number {
  const src = alloc(dtype, ELEMENTS);
  src.set(X_VALUES);
  const dst = alloc(dtype, ELEMENTS);
  return nsPerElement(() => dst.set(src), 20, quick ? 21 : 51);
}

const cpus = os.cpus();
console.log(`# kernels: ns per element, ${ELEMENTS} elements (axis functions: rows of ${ROW}), median of ${RUNS} runs`);
console.log(`# machine: ${cpus[0]?.model ?? 'unknown cpu'} × ${cpus.length}, node ${process.version} (V8 ${process.versions.v8})`);
console.log(`# command: node --import tsx bench/kernels.ts${process.argv.slice(2).map((a) => ` ${a}`).join('')}`);
// Other work on the machine (a test suite) inflates every figure: the load average says how much.
console.log(`# load average (1 min) before: ${os.loadavg()[0].toFixed(2)}`);

const copy: Record<DType, number> = { float32: copyBaseline('float32'), float64: copyBaseline('float64') };
console.log('');

// A markdown table: ns per element and the ratio to the copy of the same element type.
const cell = (ns: number, base: number): string =>
  `${ns.toFixed(ns < 1 ? 3 : 2).padStart(7)} | ${`${(ns / base).toFixed(0)}×`.padStart(5)}`;
const columns = DTYPES.flatMap((d) => [`${d} fwd ns`, '×copy', `${d} bwd ns`, '×copy']);
console.log(`| ${'function'.padEnd(16)} | ${columns.join(' | ')} |`);
console.log(`|${'-'.repeat(18)}|${columns.map((c) => `${'-'.repeat(c.length + 1)}:`).join('|')}|`);
const copyCells = DTYPES.map((d) => `${cell(copy[d], copy[d])} | ${cell(copy[d], copy[d])}`);
console.log(`| ${'copy (dst.set)'.padEnd(16)} | ${copyCells.join(' | ')} |`);

for (const def of registry.all()) {
  if (only && !only.has(def.name)) continue;
  const cases = { float32: prepare(def, 'float32'), float64: prepare(def, 'float64') };
  // Both element types reach the kernels before anything is timed, as in the service.
  for (const dtype of DTYPES) {
    cases[dtype].forward();
    cases[dtype].backward();
  }
  const cells = DTYPES.map(
    (d) => `${cell(nsPerElement(cases[d].forward), copy[d])} | ${cell(nsPerElement(cases[d].backward), copy[d])}`,
  );
  console.log(`| ${def.name.padEnd(16)} | ${cells.join(' | ')} |`);
}
console.log('');
console.log(`# load average (1 min) after: ${os.loadavg()[0].toFixed(2)}`);
