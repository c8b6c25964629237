// Loads the mpmath reference fixtures written by test/fixtures/generate_reference.py.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type JsonNumber, type Ref, parseNumber, parseRef } from './ulp.js';

export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/reference/', import.meta.url));

type Pair = [JsonNumber, JsonNumber];

interface RawCase {
  label: string;
  params: Record<string, unknown>;
  shape: number[];
  kink: 'torch' | 'left' | 'right';
  x: number[];
  grad_output: number[];
  y_shape: number[];
  y: Pair[];
  derivative?: Pair[];
  grad_input: Pair[];
  y_scale?: JsonNumber[];
  grad_input_scale?: JsonNumber[];
  grad_params: Record<string, Pair | Pair[]>;
  grad_params_scale: Record<string, JsonNumber | JsonNumber[]>;
}

interface RawFile {
  name: string;
  kind: string;
  cases: RawCase[];
}

/** One reference case: inputs as the caller sends them, expected outputs as [hi, lo] values. */
export interface ReferenceCase {
  readonly label: string;
  /** Complete effective params (defaults included), as JSON carries them. */
  readonly params: Record<string, unknown>;
  readonly shape: readonly number[];
  readonly kink: 'torch' | 'left' | 'right';
  readonly x: Float64Array;
  readonly gradOutput: Float64Array;
  readonly yShape: readonly number[];
  readonly y: readonly Ref[];
  /** dy/dx (elementwise functions only). */
  readonly derivative?: readonly Ref[];
  /** The VJP for gradOutput. */
  readonly gradInput: readonly Ref[];
  /** Sum of the magnitudes of the terms of y / grad_input where the rule scales by it. */
  readonly yScale?: readonly number[];
  readonly gradInputScale?: readonly number[];
  readonly gradParams: Readonly<Record<string, Ref | Ref[]>>;
  readonly gradParamsScale: Readonly<Record<string, number | number[]>>;
}

export interface ReferenceFile {
  readonly name: string;
  readonly kind: string;
  readonly cases: readonly ReferenceCase[];
}

/** Names of the functions that have a fixture file. */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** The fixture of one function; throws (naming the file) when it is missing or malformed. */
export function loadReference(name: string): ReferenceFile {
  const path = `${FIXTURE_DIR}${name}.json`;
  let raw: RawFile;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as RawFile;
  } catch (err) {
    throw new Error(`no readable reference fixture for ${name} at ${path}: ${(err as Error).message}`);
  }
  if (raw.name !== name) throw new Error(`${path} holds the fixture of ${raw.name}, not ${name}`);
  return { name: raw.name, kind: raw.kind, cases: raw.cases.map((c) => parseCase(name, c)) };
}

function parseCase(name: string, c: RawCase): ReferenceCase {
  const size = c.shape.reduce((a, b) => a * b, 1);
  const ySize = c.y_shape.reduce((a, b) => a * b, 1);
  const where = `${name} case ${c.label}`;
  if (c.x.length !== size) throw new Error(`${where}: x has ${c.x.length} values for shape [${c.shape}]`);
  if (c.y.length !== ySize) throw new Error(`${where}: y has ${c.y.length} values for shape [${c.y_shape}]`);
  if (c.grad_output.length !== ySize) throw new Error(`${where}: grad_output does not match y_shape`);
  if (c.grad_input.length !== size) throw new Error(`${where}: grad_input does not match shape`);
  const gradParams: Record<string, Ref | Ref[]> = {};
  for (const [k, v] of Object.entries(c.grad_params)) {
    gradParams[k] = Array.isArray(v[0]) ? (v as Pair[]).map(parseRef) : parseRef(v as Pair);
  }
  const gradParamsScale: Record<string, number | number[]> = {};
  for (const [k, v] of Object.entries(c.grad_params_scale)) {
    gradParamsScale[k] = Array.isArray(v) ? v.map(parseNumber) : parseNumber(v);
  }
  return {
    label: c.label,
    params: c.params,
    shape: c.shape,
    kink: c.kink,
    x: Float64Array.from(c.x),
    gradOutput: Float64Array.from(c.grad_output),
    yShape: c.y_shape,
    y: c.y.map(parseRef),
    derivative: c.derivative?.map(parseRef),
    gradInput: c.grad_input.map(parseRef),
    yScale: c.y_scale?.map(parseNumber),
    gradInputScale: c.grad_input_scale?.map(parseNumber),
    gradParams,
    gradParamsScale,
  };
}

/** The distinct parameter sets of a function's fixture, in order. */
export function paramSets(name: string): Record<string, unknown>[] {
  const seen = new Set<string>();
  const out: Record<string, unknown>[] = [];
  for (const c of loadReference(name).cases) {
    const key = JSON.stringify(c.params);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(c.params);
    }
  }
  return out;
}
