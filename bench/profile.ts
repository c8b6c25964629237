// CPU profile of the service under one HTTP scenario: where the event loop's time per request goes.
//
// `node --import tsx bench/profile.ts [--scenario small-relu] [--seconds 15] [--entry dist/server.js] [--no-pin] [--keep]`
// (scenarios: small-relu, small-gelu, binary-relu, binary-gelu, large-json). Starts the compiled
// service (`npm run build` first) pinned to the first CPU (the load generator, this process, on
// the last), warms it up, then samples its main thread with V8's profiler (bench/profiler-hook.ts,
// over IPC) while the scenario runs, so start-up and schema compilation stay out of the figures.
// Prints requests per second, CPU time per request, and the functions with the most self and
// inclusive time, in microseconds per request, grouped by where they live (the service's own
// code, Fastify, pino, prom-client, Node itself). `--entry bench/echo-server.ts` profiles the baseline.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { autocannonLoad } from './autocannon-load.js';
import { float32Body, jsonBody } from './payloads.js';
import { pinLoadGenerator } from './pinning.js';
import { rawLoad, type LoadResult, type RawRequest } from './raw-load.js';
import type { ProfilerMessage } from './profiler-hook.js';
import { REPO_ROOT } from './server-process.js';

const HOOK_URL = pathToFileURL(join(REPO_ROOT, 'bench', 'profiler-hook.ts')).href;

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const scenarioName = option('scenario', 'small-relu');
const seconds = Number(option('seconds', '15'));
const SAMPLING_US = 100;

const JSON_HEADERS = { 'content-type': 'application/json' };
const BINARY_HEADERS = { 'content-type': 'application/octet-stream', accept: 'application/octet-stream', 'x-dtype': 'float32' };
const SCENARIOS: Record<string, { request: Omit<RawRequest, 'origin'>; client: 'autocannon' | 'raw'; connections: number }> = {
  'small-relu': { request: { path: '/activations/relu', headers: JSON_HEADERS, body: jsonBody(16) }, client: 'autocannon', connections: 10 },
  'small-gelu': { request: { path: '/activations/gelu', headers: JSON_HEADERS, body: jsonBody(16) }, client: 'autocannon', connections: 10 },
  'binary-relu': { request: { path: '/activations/relu', headers: BINARY_HEADERS, body: float32Body(1 << 20) }, client: 'raw', connections: 1 },
  'binary-gelu': { request: { path: '/activations/gelu', headers: BINARY_HEADERS, body: float32Body(1 << 20) }, client: 'raw', connections: 1 },
  'large-json': { request: { path: '/activations/relu', headers: JSON_HEADERS, body: jsonBody(1 << 20) }, client: 'raw', connections: 1 },
};

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a function lives, for the summary. */
function place(url: string): string {
  if (url === '') return 'V8 / native';
  if (url.includes('/src/') || url.includes('/dist/')) return 'service';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node';
  return url;
}

function summarize(profile: Profile, requests: number): string {
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const key = (n: ProfileNode) => {
    const file = n.callFrame.url.replace(/^.*\/(node_modules|src|dist)\//, '$1/');
    return `${n.callFrame.functionName || '(anonymous)'} ${file}:${n.callFrame.lineNumber + 1}`;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const byPlace = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const us = profile.timeDeltas[i] ?? 0;
    const leaf = byId.get(profile.samples[i])!;
    if (leaf.callFrame.functionName === '(idle)' || leaf.callFrame.functionName === '(program)') continue;
    total += us;
    self.set(key(leaf), (self.get(key(leaf)) ?? 0) + us);
    byPlace.set(place(leaf.callFrame.url), (byPlace.get(place(leaf.callFrame.url)) ?? 0) + us);
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const k = key(byId.get(id)!);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us);
    }
  }
  const perRequest = (us: number) => (us / requests).toFixed(2);
  const table = (title: string, map: Map<string, number>, rows: number, filter: (k: string) => boolean = () => true) =>
    [
      `\n${title}\n`,
      '| µs / request | share | function |',
      '|--:|--:|---|',
      ...[...map.entries()]
        .filter(([k]) => filter(k))
        .sort((a, b) => b[1] - a[1])
        .slice(0, rows)
        .map(([k, us]) => `| ${perRequest(us)} | ${((100 * us) / total).toFixed(1)} % | ${k} |`),
    ].join('\n');
  return [
    `CPU busy: ${(total / 1000).toFixed(0)} ms over ${requests} requests = ${perRequest(total)} µs per request`,
    table('Self time by place', byPlace, 20),
    table('Self time, top functions', self, 30),
    table('Inclusive time, the service\'s own functions', inclusive, 30, (k) => / dist\/(?!compile|core|ajv)/.test(k)),
  ].join('\n');
}

async function main(): Promise<void> {
  const scenario = SCENARIOS[scenarioName];
  if (scenario === undefined) throw new Error(`unknown scenario ${scenarioName}; known: ${Object.keys(SCENARIOS).join(', ')}`);
  const pinning = pinLoadGenerator(!args.includes('--no-pin'));
  const dir = mkdtempSync(join(tmpdir(), 'rectifier-profile-'));
  const file = join(dir, 'service.cpuprofile');
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const node = [process.execPath, '--import', 'tsx', '--import', HOOK_URL, option('entry', 'dist/server.js')];
  const [command, ...rest] = pinning.serverCpus === undefined ? node : ['taskset', '-c', pinning.serverCpus, ...node];
  const child = spawn(command, rest, {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = async (message: ProfilerMessage) => {
    const reply = once(child, 'message');
    child.send(message);
    await reply;
  };
  const origin = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${origin}/health/live`)).ok) break;
      } catch {
        if (i > 300) throw new Error('the service did not start');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const request = { origin, ...scenario.request };
    const drive = (ms: number): Promise<LoadResult> =>
      scenario.client === 'autocannon' ? autocannonLoad(request, scenario.connections, ms) : rawLoad(request, scenario.connections, ms);
    await drive(3000); // warm-up: optimized code, grown heaps, not profiled
    await ask({ type: 'profile-start', intervalUs: SAMPLING_US });
    const result = await drive(seconds * 1000);
    await ask({ type: 'profile-stop', file });
    const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
    // Answers counted by the load generator over the profiled window (a request in flight at the end may be missing).
    const requests = result.ok;
    console.log(`Profile of ${scenarioName}: ${pinning.description}; ${result.reqPerSec.toFixed(0)} req/s over ${seconds} s\n`);
    console.log(summarize(profile, requests));
    if (args.includes('--keep')) console.log(`\nprofile kept in ${file}`);
    else rmSync(dir, { recursive: true });
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
