// Soak: the compiled service under minutes of mixed keep-alive traffic on loopback; statuses, latencies, probes, RSS; PASS or FAIL.
//
// `node --import tsx bench/soak.ts [--minutes 10] [--connections 50] [--backoff-ms 100] [--sample-seconds 10] [--seed 1] [--lenient]`
// (scripts/soak.sh builds dist/ first when it is stale, then runs this). Starts dist/server.js as a
// child process on 127.0.0.1 with the configuration of deploy/k8s/deployment.yaml (environment
// variables override it), sends a weighted mix of small/medium/large JSON, 1M-element binary and
// deliberately bad requests from a fixed number of keep-alive connections, samples the server's RSS
// and its health probes every 10 s, then SIGTERMs it and prints a markdown report on stdout
// (progress on stderr) ending in `soak: PASS` (exit 0) or `soak: FAIL (<reasons>)` (exit 1).
import { spawn, type ChildProcess } from 'node:child_process';
import { inCgroup, memoryCgroup } from './cgroup.js';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { LIMIT_SHARE } from '../src/memory/budget.js';
import { summarize } from './latencies.js';
import { float32Body, jsonBody } from './payloads.js';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Traffic goes here and nowhere else. */
const HOST = '127.0.0.1';
const MiB = 1024 * 1024;
const REQUEST_TIMEOUT_MS = 60_000;
/**
 * RSS samples before this (from the start of the load) are left out of the slope and of "RSS at
 * start": for the first minute the workers' heaps grow to their working size and code is compiled
 * (under the manifest's load, RSS rose ~40 MB in the first 30 s, then stayed flat).
 */
const WARMUP_MS = 60_000;
/** The whole run is killed this long after the load should have ended. */
const HARD_GRACE_MS = 120_000;
const STARTUP_TIMEOUT_MS = 30_000;
/** DRAIN_TIMEOUT_MS of the manifest (20 s) and a margin: past it the server is SIGKILLed and the run fails. */
const EXIT_TIMEOUT_MS = 30_000;
/** After the load, the server's leases and compute slots must be back to zero within this. */
const QUIESCE_TIMEOUT_MS = 10_000;
const SLOPE_LIMIT_MIB_PER_MIN = 1;
const MEDIUM = 10_000;
const LARGE = 1 << 20;
/** A JSON or health answer is kept up to this many bytes to read its `code` or `status`; longer ones are only counted. */
const KEEP_ERROR_BYTES = 4096;

// ------------------------------------------------------------------ options

const { values: opts } = parseArgs({
  options: {
    minutes: { type: 'string' },
    connections: { type: 'string', default: '50' },
    'backoff-ms': { type: 'string', default: '100' },
    seed: { type: 'string', default: '1' },
    'sample-seconds': { type: 'string', default: '10' },
    lenient: { type: 'boolean', default: false },
    cgroup: { type: 'boolean', default: false },
  },
});

function positive(name: string, text: string | undefined, integer: boolean): number {
  const value = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    console.error(`soak: --${name} must be a ${integer ? 'non-negative integer' : 'non-negative number'}, got '${text}'`);
    process.exit(2);
  }
  return value;
}

const minutes = positive('minutes', opts.minutes ?? process.env.SOAK_MINUTES ?? '10', false);
const connections = positive('connections', opts.connections, true);
const backoffMs = positive('backoff-ms', opts['backoff-ms'], false);
const seed = positive('seed', opts.seed, true);
/** RSS and the probes are sampled this often. */
const SAMPLE_EVERY_MS = positive('sample-seconds', opts['sample-seconds'], false) * 1000;
/**
 * Connections reset before an answer are failures: a refused body within its limit is read to its
 * end on a connection kept open. --lenient counts them apart when the server did answer (early,
 * then closed: bodies over their limit).
 */
const strict = opts.lenient !== true;
if (minutes === 0 || connections === 0 || SAMPLE_EVERY_MS < 100) {
  console.error('soak: --minutes, --connections and --sample-seconds (at least 0.1) must be above 0');
  process.exit(2);
}
const loadMs = minutes * 60_000;

const log = (text: string) => process.stderr.write(`[soak] ${text}\n`);

// ------------------------------------------------------------------ the child server, and never leaving it behind

let child: ChildProcess | undefined;
const alive = (c: ChildProcess | undefined): c is ChildProcess => c !== undefined && c.exitCode === null && c.signalCode === null;

process.on('exit', () => {
  if (alive(child)) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: killing the server and stopping`);
    if (alive(child)) child.kill('SIGKILL');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}
const hardDeadline = setTimeout(() => {
  console.log(`soak: FAIL (still running ${(loadMs + HARD_GRACE_MS) / 60_000} min after the start: killed)`);
  if (alive(child)) child.kill('SIGKILL');
  process.exit(1);
}, loadMs + HARD_GRACE_MS);
hardDeadline.unref();

/**
 * Preloaded into the server (main thread only; compiled pool workers get no execArgv): it exits
 * when the soak's IPC channel closes, which happens however the soak ends, even on SIGKILL.
 */
const WATCHDOG =
  'data:text/javascript,' +
  encodeURIComponent("if (process.send) { process.on('disconnect', () => process.exit(1)); process.channel?.unref(); }");

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { resourceFieldRef?: { resource: string } };
}
interface ManifestContainer {
  name: string;
  env: EnvVar[];
  resources?: { limits?: { cpu?: string; memory?: string } };
}
interface Deployment {
  spec: { template: { spec: { containers: ManifestContainer[] } } };
}

/** Kubernetes quantities: "2", "1500m"; "1Gi", "512Mi", "1G". */
function quantity(text: string): number {
  const match = /^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(text.trim());
  if (match === null) throw new Error(`deployment.yaml: cannot read the quantity '${text}'`);
  const factors: Record<string, number> = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: MiB, Gi: 1024 * MiB, Ti: 1024 * 1024 * MiB };
  return Number(match[1]) * (match[2] === undefined ? 1 : factors[match[2]]);
}

/**
 * The container's environment in deploy/k8s/deployment.yaml: literal values; POOL_THREADS from
 * limits.cpu (rounded up, as the downward API does with divisor 1); and MEMORY_BUDGET_BYTES as the
 * server derives it inside the container from limits.memory (here there is no cgroup limit, and
 * it would take a share of the whole machine instead). PORT is left out: a free port is used.
 */
function manifestEnv(): { env: Record<string, string>; memoryLimit?: number } {
  const doc = parseYaml(readFileSync(join(REPO_ROOT, 'deploy', 'k8s', 'deployment.yaml'), 'utf8')) as Deployment;
  const container = doc.spec.template.spec.containers.find((c) => c.name === 'rectifier') ?? doc.spec.template.spec.containers[0];
  const env: Record<string, string> = {};
  for (const variable of container.env) {
    if (variable.value !== undefined) env[variable.name] = String(variable.value);
    else if (variable.valueFrom?.resourceFieldRef?.resource === 'limits.cpu' && container.resources?.limits?.cpu !== undefined) {
      env[variable.name] = String(Math.ceil(quantity(container.resources.limits.cpu)));
    }
  }
  const memory = container.resources?.limits?.memory;
  const memoryLimit = memory === undefined ? undefined : quantity(memory);
  if (memoryLimit !== undefined) env.MEMORY_BUDGET_BYTES = String(Math.floor(memoryLimit * LIMIT_SHARE));
  delete env.PORT;
  return { env, memoryLimit };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, HOST);
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  if (address === null || typeof address === 'string') throw new Error('no TCP port from the OS');
  return address.port;
}

/** A port from the environment (non-zero), else a free one. */
async function portFrom(text: string | undefined): Promise<number> {
  const value = Number(text);
  return text !== undefined && Number.isInteger(value) && value > 0 ? value : freePort();
}

// ------------------------------------------------------------------ HTTP, always bounded

interface Answer {
  /** 0 when there was no answer. */
  status: number;
  ms: number;
  bytes: number;
  /** `code` of an error body, or `status` of a health answer. */
  code?: string;
  /** Why there is no (complete) answer: an error code or "timeout". */
  error?: string;
  /** The client aborted on purpose. */
  aborted?: boolean;
  /** An error answer's message, to tell the reasons of a 503 apart. */
  message?: string;
}

type Mode = 'normal' | 'headers-only' | 'abort-mid-body' | 'abort-computing';

interface Exchange {
  agent: Agent | false;
  port: number;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  mode: Mode;
  /** headers-only: the Content-Length declared (no byte of the body is sent). */
  declaredLength?: number;
  /** abort-mid-body: after this many bytes; abort-computing: this long after the body was sent. */
  abortAt?: number;
  /** Keep the start of the body of this answer, whatever its status (health probes). */
  keepBody?: boolean;
}

function errorName(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ?? e.message ?? String(err);
}

function parseError(chunks: Buffer[]): { code?: string; message?: string } {
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { code?: unknown; status?: unknown; message?: unknown };
    const code = body.code ?? body.status;
    return { code: typeof code === 'string' ? code : undefined, message: typeof body.message === 'string' ? body.message : undefined };
  } catch {
    return {};
  }
}

/**
 * One request to 127.0.0.1, resolved (never rejected) when the answer's last byte arrived, the
 * client aborted on purpose, it failed, or REQUEST_TIMEOUT_MS passed. The answer is drained and
 * counted; only the first bytes of an error (or health) answer are kept.
 */
function exchange(x: Exchange): Promise<Answer> {
  return new Promise((resolve) => {
    const start = performance.now();
    let status = 0;
    let bytes = 0;
    let settled = false;
    let abortTimer: NodeJS.Timeout | undefined;
    const headers = { ...x.headers };
    if (x.method === 'POST') headers['content-length'] = String(x.declaredLength ?? x.body?.length ?? 0);
    const req = request({ agent: x.agent, host: HOST, port: x.port, method: x.method, path: x.path, headers });
    const finish = (extra: Partial<Answer>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(abortTimer);
      resolve({ status, bytes, ms: performance.now() - start, ...extra });
    };
    const timer = setTimeout(() => {
      req.destroy();
      finish({ error: 'timeout' });
    }, REQUEST_TIMEOUT_MS);
    const abort = () => {
      req.destroy();
      finish({ aborted: true });
    };
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      const keep = x.keepBody === true || status >= 300;
      const kept: Buffer[] = [];
      let keptBytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (keep && keptBytes < KEEP_ERROR_BYTES) {
          kept.push(chunk);
          keptBytes += chunk.length;
        }
      });
      res.on('end', () => {
        // A headers-only request never sends its body: the socket is of no further use.
        if (x.mode === 'headers-only') req.destroy();
        finish(keep ? parseError(kept) : {});
      });
      res.on('error', (err) => finish({ error: errorName(err) }));
    });
    req.on('error', (err) => finish({ error: errorName(err) }));
    const body = x.body ?? Buffer.alloc(0);
    switch (x.mode) {
      case 'normal':
        req.end(body);
        break;
      case 'headers-only':
        req.flushHeaders();
        break;
      case 'abort-mid-body':
        req.write(body.subarray(0, x.abortAt ?? body.length >> 2));
        abortTimer = setTimeout(abort, 20);
        break;
      case 'abort-computing':
        req.end(body, () => {
          if (!settled) abortTimer = setTimeout(abort, x.abortAt ?? 100);
        });
        break;
    }
  });
}

// ------------------------------------------------------------------ the traffic

/** A small seeded generator (mulberry32) for the mix, the small bodies and the back-off jitter. */
function mulberry32(state: number): () => number {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rng = mulberry32(seed);

const GROUPS = [
  'json small',
  'json medium',
  'json large',
  'binary f32',
  'binary f64',
  'binary→json',
  'bad request',
  'client abort',
] as const;
type Group = (typeof GROUPS)[number];

interface Scenario {
  id: string;
  group: Group;
  /** Relative frequency in the mix. */
  weight: number;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  mode: Mode;
  /** The right answer besides a 503: 200 for a good request, the 4xx a bad one must get. */
  expect: number;
  /** A binary answer must have exactly this many bytes. */
  answerBytes?: number;
  declaredLength?: number;
  /** abort-computing: a delay in [min, max) ms after the body was sent. */
  abortDelayMs?: [number, number];
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const binaryHeaders = (dtype: 'float32' | 'float64', shape: string, answer: 'binary' | 'json' = 'binary') => ({
  'content-type': 'application/octet-stream',
  accept: answer === 'binary' ? 'application/octet-stream' : 'application/json',
  'x-dtype': dtype,
  'x-shape': shape,
});
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
/** A nested array of the given shape, values in [-4, 4) rounded to 4 decimals (small bodies stay small). */
function tensor(shape: number[]): unknown {
  if (shape.length === 0) return Math.round((rng() * 8 - 4) * 1e4) / 1e4;
  return Array.from({ length: shape[0] }, () => tensor(shape.slice(1)));
}
function float64From(float32: Buffer): Buffer {
  const values = Float64Array.from(new Float32Array(float32.buffer, float32.byteOffset, float32.length / 4));
  return Buffer.from(values.buffer);
}

/** Every body is built here, once; the load reuses them. */
function scenarios(binaryLimit: number): Scenario[] {
  const list: Scenario[] = [];
  const add = (s: Omit<Scenario, 'mode' | 'expect'> & Partial<Pick<Scenario, 'mode' | 'expect'>>) =>
    list.push({ mode: 'normal', expect: 200, ...s });

  // Small JSON (inline on the event loop): forward and gradients, parameters of several kinds.
  const small = (id: string, path: string, body: unknown, weight: number) =>
    add({ id, group: 'json small', weight, path, headers: JSON_HEADERS, body: json(body) });
  const alpha = [0.1, 0.2, 0.3];
  small('relu', '/activations/relu', { x: tensor([4, 8]) }, 14);
  small('gelu', '/activations/gelu', { x: tensor([4, 8]) }, 10);
  small('gelu tanh', '/activations/gelu', { x: tensor([4, 8]), params: { approximate: 'tanh' } }, 4);
  small('softmax dim=0', '/activations/softmax', { x: tensor([4, 8]), params: { dim: 0 } }, 8);
  small('prelu per-channel', '/activations/prelu', { x: tensor([2, 3, 4]), params: { alpha } }, 6);
  small('gelu grad', '/gradients/gelu', { x: tensor([4, 8]), grad_output: tensor([4, 8]) }, 8);
  small('prelu grad per-channel', '/gradients/prelu', { x: tensor([2, 3, 4]), grad_output: tensor([2, 3, 4]), params: { alpha } }, 5);
  small('relu grad kink=right', '/gradients/relu', { x: tensor([4, 8]), grad_output: tensor([4, 8]), kink: 'right' }, 3);
  small('softmax grad dim=0', '/gradients/softmax', { x: tensor([4, 8]), grad_output: tensor([4, 8]), params: { dim: 0 } }, 2);

  // Medium JSON: 10k numbers (under JSON_OFFLOAD_BYTES: parsed on the event loop, computed in the pool or inline).
  const mediumX = jsonBody(MEDIUM, seed + 1);
  const mediumValues = (JSON.parse(mediumX.toString()) as { x: number[] }).x;
  add({ id: 'relu 10k', group: 'json medium', weight: 4, path: '/activations/relu', headers: JSON_HEADERS, body: mediumX });
  add({
    id: 'sigmoid grad 10k',
    group: 'json medium',
    weight: 2,
    path: '/gradients/sigmoid',
    headers: JSON_HEADERS,
    body: json({ x: mediumValues, grad_output: [...mediumValues].reverse() }),
  });
  add({
    id: 'softmax 10x1000',
    group: 'json medium',
    weight: 2,
    path: '/activations/softmax',
    headers: JSON_HEADERS,
    body: json({ x: Array.from({ length: 10 }, (_, i) => mediumValues.slice(i * 1000, (i + 1) * 1000)), params: { dim: -1 } }),
  });

  // Large JSON: 2^20 numbers, ~19 MB each way (parsed and encoded in a worker). Rare.
  const largeJson = jsonBody(LARGE, seed + 2);
  add({ id: 'relu 1M', group: 'json large', weight: 0.15, path: '/activations/relu', headers: JSON_HEADERS, body: largeJson });
  add({ id: 'gelu 1M', group: 'json large', weight: 0.1, path: '/activations/gelu', headers: JSON_HEADERS, body: largeJson });

  // Binary, 2^20 elements: forward (x) and gradients (x then grad_output), float32 and float64.
  const f32 = float32Body(LARGE, seed + 3);
  const f32Grad = Buffer.concat([f32, float32Body(LARGE, seed + 4)]);
  const f64 = float64From(f32);
  const f64Grad = float64From(f32Grad);
  for (const [dtype, x, xg, group, scale] of [
    ['float32', f32, f32Grad, 'binary f32', 1],
    ['float64', f64, f64Grad, 'binary f64', 0.6],
  ] as const) {
    for (const fn of ['gelu', 'sigmoid', 'relu']) {
      add({ id: `${fn} ${dtype}`, group, weight: scale, path: `/activations/${fn}`, headers: binaryHeaders(dtype, String(LARGE)), body: x, answerBytes: x.length });
      add({ id: `${fn} grad ${dtype}`, group, weight: scale, path: `/gradients/${fn}`, headers: binaryHeaders(dtype, '1024,1024'), body: xg, answerBytes: x.length });
    }
  }
  // Binary in, JSON out (~19 MB answers): occasionally.
  add({ id: 'sigmoid float32 → json', group: 'binary→json', weight: 0.1, path: '/activations/sigmoid', headers: binaryHeaders('float32', '1024,1024', 'json'), body: f32 });
  add({ id: 'gelu grad float64 → json', group: 'binary→json', weight: 0.05, path: '/gradients/gelu', headers: binaryHeaders('float64', '1024,1024', 'json'), body: f64Grad });

  // Deliberately bad: each must get its 4xx (expected, not a failure).
  const bad = (s: Omit<Scenario, 'group' | 'mode'> & Partial<Pick<Scenario, 'mode'>>) => add({ group: 'bad request', ...s });
  bad({ id: 'unknown function', weight: 0.5, path: '/activations/gleu', headers: JSON_HEADERS, body: json({ x: [1, 2, 3] }), expect: 404 });
  bad({ id: 'ragged x', weight: 0.5, path: '/activations/relu', headers: JSON_HEADERS, body: Buffer.from('{"x":[[1,2],[3]]}'), expect: 400 });
  bad({ id: 'bad X-Shape', weight: 0.3, path: '/activations/gelu', headers: binaryHeaders('float32', '4,x'), body: f32.subarray(0, 16), expect: 400 });
  bad({ id: 'X-Shape ≠ length', weight: 0.2, path: '/gradients/gelu', headers: binaryHeaders('float32', '1024,1024'), body: f32.subarray(0, 4096), expect: 400 });
  bad({
    id: 'Content-Length over limit',
    weight: 0.2,
    path: '/activations/relu',
    headers: binaryHeaders('float32', String(LARGE)),
    body: Buffer.alloc(0),
    mode: 'headers-only',
    declaredLength: binaryLimit + 4,
    expect: 413,
  });

  // Clients that go away: mid-body, and after the body while the answer is computed.
  add({ id: 'abort mid-body', group: 'client abort', weight: 0.15, path: '/activations/gelu', headers: binaryHeaders('float32', String(LARGE)), body: f32, mode: 'abort-mid-body' });
  add({ id: 'abort while computing (json 1M)', group: 'client abort', weight: 0.05, path: '/activations/gelu', headers: JSON_HEADERS, body: largeJson, mode: 'abort-computing', abortDelayMs: [20, 300] });
  add({
    id: 'abort while computing (binary grad → json)',
    group: 'client abort',
    weight: 0.1,
    path: '/gradients/gelu',
    headers: binaryHeaders('float64', '1024,1024', 'json'),
    body: f64Grad,
    mode: 'abort-computing',
    abortDelayMs: [5, 60],
  });
  return list;
}

// ------------------------------------------------------------------ counting

type Kind = 'ok' | 'expected' | 'overload' | 'aborted' | 'lost' | 'failure';

/** What an answer means for its scenario, and the column it is counted in. */
function classify(s: Scenario, a: Answer): { kind: Kind; label: string } {
  if (a.aborted) return { kind: 'aborted', label: 'aborted' };
  // The connection was reset before any answer. When the server answered early (a 503, or a 4xx
  // from the headers) and closed the connection while the body was still coming, the answer is lost
  // in the reset; checked against the server's own count of answers at the end (bench/README.md, "Soak").
  if (a.status === 0 && (a.error === 'EPIPE' || a.error === 'ECONNRESET')) {
    return { kind: strict ? 'failure' : 'lost', label: `reset, no answer (${a.error})` };
  }
  if (a.status === 0) return { kind: 'failure', label: `no answer (${a.error ?? '?'})` };
  const label = String(a.status);
  if (a.error !== undefined) return { kind: 'failure', label: `${label} cut (${a.error})` };
  if (a.status === 503) return { kind: 'overload', label };
  if (a.status >= 500) return { kind: 'failure', label };
  const good = s.expect === 200 ? a.status >= 200 && a.status < 300 : a.status === s.expect;
  if (!good) return { kind: 'failure', label: `${label} unexpected` };
  if (a.status >= 300) return { kind: 'expected', label };
  if (s.answerBytes !== undefined && a.bytes !== s.answerBytes) return { kind: 'failure', label: `${label} short answer` };
  return { kind: 'ok', label };
}

interface GroupTally {
  requests: number;
  byLabel: Map<string, number>;
  okMs: number[];
}

const tallies = new Map<Group, GroupTally>(GROUPS.map((g) => [g, { requests: 0, byLabel: new Map(), okMs: [] }]));
const kinds: Record<Kind, number> = { ok: 0, expected: 0, overload: 0, aborted: 0, lost: 0, failure: 0 };
/** Every non-2xx (and request without an answer) by status label and code, with where they came from. */
const notOk = new Map<string, { label: string; code: string; count: number; from: Map<string, number> }>();
/** 5xx answers other than 503. */
let serverErrors = 0;
/** Answers received, by status (whatever their scenario expected): compared with the server's count at the end. */
const received = new Map<number, number>();
let bytesIn = 0;
let bytesOut = 0;

/** Why a 503 RECTIFIER_OVERLOADED, from its message (src/pool/admission.ts, src/pool/service.ts). */
function overloadReason(message: string | undefined): string {
  if (message === undefined) return '?';
  if (message.includes('at capacity')) return 'compute slots';
  if (message.includes('memory budget')) return 'memory budget';
  if (message.includes('ran out of memory')) return 'worker out of memory';
  if (message.includes('not enough memory')) return 'allocation failed';
  return message.slice(0, 40);
}

function record(s: Scenario, a: Answer): void {
  const { kind, label } = classify(s, a);
  kinds[kind]++;
  if (a.status >= 500 && a.status !== 503) serverErrors++;
  if (a.status > 0) received.set(a.status, (received.get(a.status) ?? 0) + 1);
  bytesOut += s.mode === 'normal' ? s.body.length : 0;
  bytesIn += a.bytes;
  const tally = tallies.get(s.group)!;
  tally.requests++;
  tally.byLabel.set(label, (tally.byLabel.get(label) ?? 0) + 1);
  if (kind === 'ok') tally.okMs.push(a.ms);
  if (kind !== 'ok') {
    const code = a.code === 'RECTIFIER_OVERLOADED' ? `${a.code} (${overloadReason(a.message)})` : (a.code ?? '');
    const key = `${label}\t${code}`;
    const entry = notOk.get(key) ?? { label, code, count: 0, from: new Map<string, number>() };
    entry.count++;
    // 503s come from everywhere: by group; the rest by request.
    const from = a.status === 503 ? s.group : s.id;
    entry.from.set(from, (entry.from.get(from) ?? 0) + 1);
    notOk.set(key, entry);
  }
}

// ------------------------------------------------------------------ samples: RSS and probes

interface ProbeAnswer {
  path: string;
  tMs: number;
  status: number;
  ms: number;
  detail: string;
}
interface RssSample {
  tMs: number;
  rssKiB: number;
}

/** The Vm* lines of /proc/<pid>/status in KiB; empty when the process is gone. */
function procStatus(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  let text = '';
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    const match = /^(Vm\w+):\s+(\d+) kB/.exec(line);
    if (match) out[match[1]] = Number(match[2]);
  }
  return out;
}

async function probe(port: number, path: string, tMs: number): Promise<ProbeAnswer> {
  // A new connection each time, as the kubelet's probes do.
  const a = await exchange({ agent: false, port, method: 'GET', path, headers: {}, mode: 'normal', keepBody: true });
  return { path, tMs, status: a.status, ms: a.ms, detail: a.error ?? a.code ?? '' };
}

/** The key under which metrics() puts the server's count of answers to POST requests with a status. */
const postAnswers = (status: number | string) => `POST answers ${status}`;

/** GET /metrics: every metric summed over its labels, and the POST answers by status (postAnswers). */
async function metrics(port: number): Promise<Map<string, number> | undefined> {
  return new Promise((resolve) => {
    const req = request({ agent: false, host: HOST, port, path: '/metrics', timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const sums = new Map<string, number>();
        for (const line of text.split('\n')) {
          const match = /^([a-z_:]+)(\{[^}]*\})? ([0-9.eE+-]+|NaN)$/.exec(line);
          if (match === null) continue;
          sums.set(match[1], (sums.get(match[1]) ?? 0) + Number(match[3]));
          const status = /status_code="(\d+)"/.exec(match[2] ?? '')?.[1];
          if (match[1] === 'rectifier_http_request_duration_seconds_count' && match[2]?.includes('method="POST"') && status !== undefined) {
            sums.set(postAnswers(status), (sums.get(postAnswers(status)) ?? 0) + Number(match[3]));
          }
        }
        resolve(sums);
      });
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** Least squares of MiB against minutes: slope and its standard error (NaN when it cannot be had). */
function slope(samples: readonly RssSample[]): { slope: number; stderr: number } {
  const n = samples.length;
  if (n < 2) return { slope: NaN, stderr: NaN };
  const xs = samples.map((s) => s.tMs / 60_000);
  const ys = samples.map((s) => s.rssKiB / 1024);
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
  }
  if (sxx === 0) return { slope: NaN, stderr: NaN };
  const b = sxy / sxx;
  if (n < 3) return { slope: b, stderr: NaN };
  let residuals = 0;
  for (let i = 0; i < n; i++) residuals += (ys[i] - my - b * (xs[i] - mx)) ** 2;
  return { slope: b, stderr: Math.sqrt(residuals / (n - 2) / sxx) };
}

// ------------------------------------------------------------------ formatting

const mib = (kib: number) => (kib / 1024).toFixed(1);
const ms = (value: number) => (Number.isNaN(value) ? '–' : value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0));
const clock = (tMs: number) => `${Math.floor(tMs / 60_000)}:${String(Math.floor((tMs % 60_000) / 1000)).padStart(2, '0')}`;
const pct = (part: number, whole: number) => (whole === 0 ? '0 %' : `${((100 * part) / whole).toFixed(part > 0 && part < whole / 100 ? 2 : 1)} %`);
const table = (header: string[], rows: string[][]) =>
  [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
/** Status columns: numbers in order, then the rest (aborted, no answer…). */
const labelOrder = (a: string, b: string) => {
  const na = Number.parseInt(a, 10);
  const nb = Number.parseInt(b, 10);
  if (!Number.isNaN(na) && !Number.isNaN(nb) && na !== nb) return na - nb;
  if (Number.isNaN(na) !== Number.isNaN(nb)) return Number.isNaN(na) ? 1 : -1;
  return a.localeCompare(b);
};
const sleep = (delay: number) => new Promise((resolve) => setTimeout(resolve, delay));

// ------------------------------------------------------------------ the run

async function main(): Promise<number> {
  const started = performance.now();
  const manifest = manifestEnv();
  // Under --cgroup the server runs under the manifest's real memory limit and derives its budget from it.
  const group = opts.cgroup ? memoryCgroup(manifest.memoryLimit ?? 1024 * MiB, 'rectifier-soak') : undefined;
  if (group) delete manifest.env.MEMORY_BUDGET_BYTES;
  const env: Record<string, string | undefined> = { ...manifest.env, LOG_LEVEL: 'warn' };
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && value !== '') env[key] = value;
  const port = await portFrom(process.env.PORT);
  let healthPort = await portFrom(process.env.HEALTH_PORT);
  while (healthPort === port) healthPort = await freePort();
  Object.assign(env, { HOST, PORT: String(port), HEALTH_PORT: String(healthPort) });
  const shown = ['POOL_THREADS', 'POOL_QUEUE', 'MEMORY_BUDGET_BYTES', 'DRAIN_TIMEOUT_MS', 'KEEP_ALIVE_TIMEOUT_MS', 'REQUEST_TIMEOUT_MS', 'LOG_LEVEL'];
  const configLine = [...shown.map((k) => `${k}=${env[k] ?? '(default)'}`), `PORT=${port}`, `HEALTH_PORT=${healthPort}`].join(' ');

  log(`building the bodies (1M-element binary, 1M-number JSON)…`);
  const binaryLimit = Number(env.BINARY_BODY_LIMIT ?? 128 * MiB);
  const mix = scenarios(binaryLimit);
  const totalWeight = mix.reduce((sum, s) => sum + s.weight, 0);
  const cumulative = mix.map(((sum) => (s: Scenario) => (sum += s.weight / totalWeight))(0));
  const pick = () => {
    const r = rng();
    const i = cumulative.findIndex((c) => r < c);
    return mix[i === -1 ? mix.length - 1 : i];
  };

  // The server.
  log(`starting dist/server.js on ${HOST}:${port} (${configLine})`);
  const argv = [process.execPath, '--import', WATCHDOG, join(REPO_ROOT, 'dist', 'server.js')];
  const [command, ...args] = group ? inCgroup(group, argv) : argv;
  if (group) log(`in a memory cgroup of ${((manifest.memoryLimit ?? 1024 * MiB) / MiB).toFixed(0)} MiB (the manifest's limits.memory)`);
  const server = spawn(command, args, {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child = server;
  const pid = server.pid!;
  const serverLog: string[] = [];
  let logLines = 0;
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (line.trim() === '') continue;
      logLines++;
      if (serverLog.length < 20) serverLog.push(line.length > 300 ? `${line.slice(0, 300)}…` : line);
      process.stderr.write(`[server] ${line}\n`);
    }
  };
  server.stdout?.on('data', forward);
  server.stderr?.on('data', forward);
  let exitedDuringRun: string | undefined;
  let stopping = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    server.once('exit', (code, signal) => {
      if (!stopping) exitedDuringRun = `exit ${code ?? signal}`;
      resolve({ code, signal });
    }),
  );
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (!alive(server)) throw new Error(`the server exited before answering:\n${serverLog.join('\n')}`);
    const [main, health] = await Promise.all([probe(port, '/health/live', 0), probe(healthPort, '/health/live', 0)]);
    if (main.status === 200 && health.status === 200) break;
    if (Date.now() > deadline) throw new Error(`the server did not answer /health/live within ${STARTUP_TIMEOUT_MS} ms`);
    await sleep(100);
  }

  // Idle RSS, then the load, with a sample every SAMPLE_EVERY_MS.
  const idle = procStatus(pid);
  const rss: RssSample[] = [];
  const probes: ProbeAnswer[] = [];
  const loadStart = performance.now();
  const loadEnd = loadStart + loadMs;
  const sample = async () => {
    const tMs = performance.now() - loadStart;
    const rssKiB = procStatus(pid).VmRSS;
    if (!alive(server) || rssKiB === undefined) return;
    rss.push({ tMs, rssKiB });
    const answers = await Promise.all([probe(healthPort, '/health/ready', tMs), probe(healthPort, '/health/live', tMs)]);
    probes.push(...answers);
    const [ready, live] = answers;
    const done = GROUPS.reduce((sum, g) => sum + tallies.get(g)!.requests, 0);
    log(
      `${clock(tMs)} requests ${done} (2xx ${kinds.ok}, 503 ${kinds.overload}, failures ${kinds.failure}) ` +
        `rss ${mib(rss[rss.length - 1].rssKiB)} MiB; ready ${ready.status} ${ready.detail} ${ms(ready.ms)} ms; ` +
        `live ${live.status} ${live.detail} ${ms(live.ms)} ms`,
    );
  };
  const pendingSamples = new Set<Promise<void>>();
  const tick = () => {
    const p = sample().finally(() => pendingSamples.delete(p));
    pendingSamples.add(p);
  };
  const sampler = setInterval(tick, SAMPLE_EVERY_MS);

  log(`load: ${connections} keep-alive connections for ${minutes} min, ${mix.length} kinds of request`);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const loop = async () => {
    while (performance.now() < loadEnd && exitedDuringRun === undefined) {
      const s = pick();
      const delay = s.abortDelayMs === undefined ? undefined : s.abortDelayMs[0] + rng() * (s.abortDelayMs[1] - s.abortDelayMs[0]);
      const answer = await exchange({
        agent: s.mode === 'normal' ? agent : false,
        port,
        method: 'POST',
        path: s.path,
        headers: s.headers,
        body: s.body,
        mode: s.mode,
        declaredLength: s.declaredLength,
        abortAt: delay,
      });
      record(s, answer);
      // A client that backs off briefly (not the whole Retry-After) instead of spinning on 503s.
      if (answer.status === 503 && backoffMs > 0) await sleep(backoffMs * (0.5 + rng()));
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  const loadDoneMs = performance.now() - loadStart;
  clearInterval(sampler);
  await Promise.all(pendingSamples);
  if (alive(server)) {
    tick();
    await Promise.all(pendingSamples);
  }

  // Quiescence: no lease, no compute slot, no reserved byte left once every answer is in.
  let final = alive(server) ? await metrics(healthPort) : undefined;
  const quiesceDeadline = Date.now() + QUIESCE_TIMEOUT_MS;
  const busy = (m: Map<string, number> | undefined) =>
    m === undefined ||
    (m.get('rectifier_requests_in_flight') ?? 0) > 0 ||
    (m.get('rectifier_memory_leases') ?? 0) > 0 ||
    (m.get('rectifier_memory_reserved_bytes') ?? 0) > 0;
  while (alive(server) && busy(final) && Date.now() < quiesceDeadline) {
    await sleep(250);
    final = await metrics(healthPort);
  }
  const hwmKiB = procStatus(pid).VmHWM ?? NaN;

  // SIGTERM with the keep-alive connections still open: the drain closes them.
  stopping = true;
  let exit = 'not running';
  let exitOk = false;
  let exitMs = NaN;
  if (alive(server)) {
    const signalled = performance.now();
    server.kill('SIGTERM');
    const timer = setTimeout(() => server.kill('SIGKILL'), EXIT_TIMEOUT_MS);
    const { code, signal } = await exited;
    clearTimeout(timer);
    exitMs = performance.now() - signalled;
    exit = code !== null ? `exit ${code}` : `killed by ${signal}`;
    exitOk = code === 0;
  } else {
    const { code, signal } = await exited;
    exit = `${code !== null ? `exit ${code}` : `killed by ${signal}`} during the run`;
  }
  agent.destroy();
  const cgroupPeak = group?.peak();
  const oomKills = group?.oomKills() ?? 0;
  await group?.remove();
  const wallMs = performance.now() - started;

  // ---------------------------------------------------------------- the report
  const out: string[] = [];
  const total = GROUPS.reduce((sum, g) => sum + tallies.get(g)!.requests, 0);
  out.push('## rectifier soak', '');
  out.push(`- duration: ${(loadDoneMs / 60_000).toFixed(2)} min of load (${minutes} min asked; ${(wallMs / 1000).toFixed(0)} s in all with start, drain and stop)`);
  out.push(`- ${connections} keep-alive connections, back-off after a 503: ${backoffMs} ms ± 50 %, seed ${seed}`);
  out.push(`- server: node dist/server.js, ${configLine}`);
  out.push(
    `- requests: ${total} (${(total / (loadDoneMs / 1000)).toFixed(0)}/s); 2xx ${kinds.ok}; expected 4xx ${kinds.expected}; ` +
      `503 ${kinds.overload} (${pct(kinds.overload, total)} of all); client aborts ${kinds.aborted}; ` +
      `${strict ? '' : `reset before an answer ${kinds.lost} (${pct(kinds.lost, total)}); `}failures ${kinds.failure}`,
  );
  out.push(`- bytes: ${(bytesOut / MiB / 1024).toFixed(2)} GiB sent, ${(bytesIn / MiB / 1024).toFixed(2)} GiB received`, '');

  const labels = [...new Set(GROUPS.flatMap((g) => [...tallies.get(g)!.byLabel.keys()]))].sort(labelOrder);
  const groupRows = GROUPS.filter((g) => tallies.get(g)!.requests > 0).map((g) => {
    const t = tallies.get(g)!;
    const lat = summarize(t.okMs);
    return [g, String(t.requests), ...labels.map((l) => String(t.byLabel.get(l) ?? 0)), ms(lat.p50), ms(lat.p99), ms(lat.max)];
  });
  out.push('### Requests by group and status', '');
  out.push(table(['group', 'requests', ...labels, 'p50 ms (2xx)', 'p99 ms (2xx)', 'max ms (2xx)'], groupRows), '');

  out.push('### Every non-2xx answer (and every request without one)', '');
  const notOkRows = [...notOk.values()]
    .sort((a, b) => labelOrder(a.label, b.label) || b.count - a.count)
    .map((e) => [
      e.label,
      e.code === '' ? '–' : `\`${e.code}\``,
      String(e.count),
      [...e.from].sort((a, b) => b[1] - a[1]).map(([from, n]) => `${from} ${n}`).join(', '),
    ]);
  out.push(notOkRows.length === 0 ? 'none' : table(['status', 'code', 'count', 'from'], notOkRows), '');

  out.push(`### Probes on HEALTH_PORT (a new connection every ${SAMPLE_EVERY_MS / 1000} s)`, '');
  const probeRows = ['/health/ready', '/health/live'].map((path) => {
    const mine = probes.filter((p) => p.path === path);
    const lat = summarize(mine.map((p) => p.ms));
    const non200 = mine.filter((p) => p.status !== 200).length;
    return [path, String(mine.length), ms(lat.p50), ms(lat.p99), ms(lat.max), String(non200)];
  });
  out.push(table(['probe', 'count', 'p50 ms', 'p99 ms', 'max ms', 'not 200'], probeRows), '');
  const bad = probes.filter((p) => p.status !== 200);
  for (const p of bad.slice(0, 30)) out.push(`- ${clock(p.tMs)} ${p.path}: ${p.status === 0 ? 'no answer' : p.status} ${p.detail}`.trimEnd());
  if (bad.length > 30) out.push(`- … and ${bad.length - 30} more`);
  if (bad.length > 0) out.push('');

  out.push('### Memory (server RSS, /proc/<pid>/status)', '');
  const counted = rss.filter((s) => s.tMs >= WARMUP_MS);
  const fit = slope(counted);
  const first = counted[0];
  const last = rss[rss.length - 1];
  const peakKiB = Math.max(Number.isNaN(hwmKiB) ? 0 : hwmKiB, ...rss.map((s) => s.rssKiB));
  out.push(
    table(
      ['', 'MiB'],
      [
        ['idle, before the load', idle.VmRSS === undefined ? '–' : mib(idle.VmRSS)],
        [first === undefined ? 'at start (after the warm-up)' : `at start (${clock(first.tMs)}, after a ${WARMUP_MS / 1000} s warm-up)`, first === undefined ? '–' : mib(first.rssKiB)],
        [last === undefined ? 'at end' : `at end (${clock(last.tMs)})`, last === undefined ? '–' : mib(last.rssKiB)],
        [`peak (VmHWM${manifest.memoryLimit === undefined ? '' : `; manifest limit ${(manifest.memoryLimit / MiB).toFixed(0)} MiB`})`, mib(peakKiB)],
        ...(cgroupPeak === undefined ? [] : [[`the cgroup's peak (its limit ${((manifest.memoryLimit ?? 0) / MiB).toFixed(0)} MiB); OOM kills`, `${mib(cgroupPeak / 1024)}; ${oomKills}`]]),
        [
          `slope, least squares over ${counted.length} samples after the warm-up`,
          Number.isNaN(fit.slope)
            ? 'n/a'
            : `${fit.slope >= 0 ? '+' : ''}${fit.slope.toFixed(2)} MiB/min${Number.isNaN(fit.stderr) ? '' : ` (± ${fit.stderr.toFixed(2)} std. error)`}`,
        ],
      ],
    ),
    '',
  );
  out.push(`samples (m:ss MiB): ${rss.map((s) => `${clock(s.tMs)} ${mib(s.rssKiB)}`).join(', ')}`, '');

  out.push('### Server', '');
  if (final !== undefined) {
    const m = (name: string) => String(final!.get(name) ?? '–');
    out.push(
      `- after the load: requests in flight ${m('rectifier_requests_in_flight')}, memory leases ${m('rectifier_memory_leases')}, ` +
        `reserved bytes ${m('rectifier_memory_reserved_bytes')}, arena in use ${m('rectifier_arena_in_use_bytes')} bytes ` +
        `(high water ${(Number(final.get('rectifier_arena_high_water_bytes') ?? 0) / MiB).toFixed(0)} MiB)`,
      `- totals: 503 rejections ${m('rectifier_http_rejections_total')}, aborted requests ${m('rectifier_http_aborted_requests_total')}, ` +
        `aborted tasks ${m('rectifier_tasks_aborted_total')}, task timeouts ${m('rectifier_task_timeouts_total')}, worker exits ${m('rectifier_pool_worker_exits_total')}`,
    );
  } else {
    out.push('- GET /metrics after the load: no answer');
  }
  // Resets without an answer, against the answers the server says it sent and the client never read.
  const unseen: string[] = [];
  let unseenTotal = 0;
  for (const [key, count] of final ?? []) {
    const status = Number(key.startsWith(postAnswers('')) ? key.slice(postAnswers('').length) : NaN);
    if (!(status >= 300)) continue;
    const missing = count - (received.get(status) ?? 0);
    if (missing > 0) {
      unseen.push(`${status} ${missing}`);
      unseenTotal += missing;
    }
  }
  const unexplained = Math.max(0, kinds.lost - unseenTotal);
  if (!strict) {
    out.push(
      `- connections reset before any answer: ${kinds.lost}; non-2xx answers the server sent (its metrics) that the client never read: ` +
        `${unseenTotal}${unseen.length > 0 ? ` (${unseen.join(', ')})` : ''}` +
        (kinds.lost === 0 ? '' : unexplained === 0 ? ': every reset had an answer from the server, lost in the close' : `: ${unexplained} resets unexplained`),
    );
  }
  out.push(`- log lines (LOG_LEVEL=${env.LOG_LEVEL}): ${logLines}${serverLog.length > 0 ? ', first ones:' : ''}`);
  for (const line of serverLog.slice(0, 5)) out.push(`  - \`${line}\``);
  out.push(`- after SIGTERM: ${exit}${Number.isNaN(exitMs) ? '' : ` in ${(exitMs / 1000).toFixed(1)} s`}`, '');

  // The verdict.
  const reasons: string[] = [];
  if (serverErrors > 0) reasons.push(`${serverErrors} 5xx other than 503`);
  const otherFailures = kinds.failure - serverErrors;
  if (otherFailures > 0) reasons.push(`${otherFailures} requests without a complete or expected answer`);
  if (unexplained > 0) reasons.push(`${unexplained} connections reset with no answer sent by the server`);
  if (kinds.lost - unexplained > 0) {
    out.push(
      `note: ${kinds.lost - unexplained} answers (503 or 4xx sent before the body was read) were lost: the server closed the ` +
        'connection while the body was still coming and the client got EPIPE/ECONNRESET instead; not failures with --lenient.',
      '',
    );
  }
  if (Number.isNaN(fit.slope)) reasons.push('RSS slope not measured (too few samples after the warm-up: run longer)');
  else if (fit.slope >= SLOPE_LIMIT_MIB_PER_MIN) reasons.push(`RSS slope ${fit.slope.toFixed(2)} MiB/min ≥ ${SLOPE_LIMIT_MIB_PER_MIN}`);
  const liveFailures = probes.filter((p) => p.path === '/health/live' && p.status !== 200).length;
  if (liveFailures > 0) reasons.push(`${liveFailures} liveness probes not 200`);
  if (exitedDuringRun !== undefined) reasons.push(`the server stopped during the run (${exitedDuringRun})`);
  if (final === undefined || busy(final)) reasons.push('leases or compute slots still held after the load');
  if (!exitOk && exitedDuringRun === undefined) reasons.push(`the server's ${exit} after SIGTERM, not exit 0`);
  if (oomKills > 0) reasons.push(`the OOM killer ended ${oomKills} process(es) of the cgroup`);
  out.push(reasons.length === 0 ? 'soak: PASS' : `soak: FAIL (${reasons.join('; ')})`);
  console.log(out.join('\n'));
  return reasons.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    clearTimeout(hardDeadline);
    process.exitCode = code;
  },
  (err: unknown) => {
    console.log(`soak: FAIL (${err instanceof Error ? err.message : String(err)})`);
    if (alive(child)) child.kill('SIGKILL');
    process.exit(1);
  },
);
