// HTTP benchmark: the service against a bare Fastify echo of the same payloads, in the same run, on loopback.
//
// `node --import tsx bench/http.ts [--quick] [--only id,id] [--no-pin]`. Starts the service
// (src/server.ts under tsx; environment passed through, so POOL_THREADS=2 etc. apply) and
// bench/echo-server.ts as child processes (`taskset -c 0` on 2 cores), pins this process, the load
// generator, to the last core (`taskset -a -p`), and runs every scenario against the echo, then the service. Small and medium
// JSON go through autocannon's API; multi-megabyte answers through a keep-alive node:http loop that
// discards bodies (autocannon 9 turns every body into a string), the same client for
// both servers. The large-JSON scenario also reads each server's event-loop delay (a preloaded
// monitor, bench/event-loop-monitor.ts) and the latency of small requests sent meanwhile at a fixed
// rate, beside their latency on the idle server. Prints markdown tables with the ratio to the echo
// and the targets of issue 3 (reported, not asserted).
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { autocannonLoad } from './autocannon-load.js';
import type { LatencySummary } from './latencies.js';
import { float32Body, jsonBody } from './payloads.js';
import { pinLoadGenerator } from './pinning.js';
import { startProbe, type ProbeResult } from './probe.js';
import { rawLoad, type LoadResult, type RawRequest } from './raw-load.js';
import { startServer, type EventLoopDelay, type ServerProcess } from './server-process.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.indexOf('--only');
const only = onlyArg >= 0 ? new Set(args[onlyArg + 1]?.split(',')) : undefined;

const SMALL = 16;
const MEDIUM = 10_000;
const LARGE = 1 << 20;
const ROW = 1024;

/**
 * Load per server and scenario, after one checked request. A warm-up of 1 ms is one more request
 * per connection, 0 none beyond the check. Quick keeps the whole run near 20 s.
 */
const DURATION = quick
  ? { smallMs: 800, smallWarmupMs: 300, largeJsonMs: 1000, largeJsonWarmupMs: 0, binaryMs: 600, binaryWarmupMs: 0, probeIdleMs: 500 }
  : { smallMs: 10_000, smallWarmupMs: 2000, largeJsonMs: 15_000, largeJsonWarmupMs: 1, binaryMs: 8000, binaryWarmupMs: 1000, probeIdleMs: 3000 };
/** Small requests per second beside the large-JSON load: a trickle, not a second load. */
const PROBE_RATE = 50;
/** Back-to-back small requests before the idle probe, so that its route runs optimized code. */
const PROBE_WARMUP_MS = 300;

type Target =
  | { kind: 'rate'; min: number }
  | { kind: 'time'; max: number };

interface Scenario {
  /** For --only. */
  id: string;
  title: string;
  request: Omit<RawRequest, 'origin'>;
  client: 'autocannon' | 'raw';
  connections: number;
  durationMs: number;
  warmupMs: number;
  /** The answer must have exactly the body's length (binary: same dtype and shape). */
  sameLengthAnswer?: boolean;
  target?: Target;
  /** Large JSON: event-loop delay and the probe of small requests. */
  probe?: boolean;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const binaryHeaders = (shape: string) => ({
  'content-type': 'application/octet-stream',
  accept: 'application/octet-stream',
  'x-dtype': 'float32',
  'x-shape': shape,
});

const smallJson = jsonBody(SMALL);
const probeRequest = { path: '/activations/relu', headers: JSON_HEADERS, body: smallJson };

function scenarios(): Scenario[] {
  const largeFloat32 = float32Body(LARGE);
  const small = { client: 'autocannon', connections: 10, durationMs: DURATION.smallMs, warmupMs: DURATION.smallWarmupMs } as const;
  const binary = (fn: string, shape: string, maxTime: number): Scenario => ({
    id: `binary-${fn}`,
    title: `1M float32 binary ${fn}${shape.includes(',') ? ` (rows of ${ROW})` : ''}`,
    request: { path: `/activations/${fn}`, headers: binaryHeaders(shape), body: largeFloat32 },
    client: 'raw',
    connections: 1,
    durationMs: DURATION.binaryMs,
    warmupMs: DURATION.binaryWarmupMs,
    sameLengthAnswer: true,
    target: { kind: 'time', max: maxTime },
  });
  const all: Scenario[] = [
    { id: 'small-relu', title: `small JSON relu (${SMALL})`, request: { ...probeRequest }, ...small, target: { kind: 'rate', min: 0.85 } },
    {
      id: 'small-gelu',
      title: `small JSON gelu (${SMALL})`,
      request: { path: '/activations/gelu', headers: JSON_HEADERS, body: smallJson },
      ...small,
      target: { kind: 'rate', min: 0.85 },
    },
    {
      id: 'medium-relu',
      title: `medium JSON relu (${MEDIUM.toLocaleString('en')})`,
      request: { path: '/activations/relu', headers: JSON_HEADERS, body: jsonBody(MEDIUM) },
      ...small,
    },
    {
      id: 'large-json-relu',
      title: `large JSON relu (1M = ${LARGE.toLocaleString('en')})`,
      request: { path: '/activations/relu', headers: JSON_HEADERS, body: jsonBody(LARGE) },
      client: 'raw',
      connections: 1,
      durationMs: DURATION.largeJsonMs,
      // The first parses of a 20 MB body are the slowest (JIT, heap growth).
      warmupMs: DURATION.largeJsonWarmupMs,
      probe: true,
    },
    binary('relu', String(LARGE), 1.3),
    binary('gelu', String(LARGE), 2),
    binary('sigmoid', String(LARGE), 2.5),
    binary('softmax', `${LARGE / ROW},${ROW}`, 1.5),
  ];
  const unknown = [...(only ?? [])].filter((id) => id !== 'peer' && !all.some((s) => s.id === id));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${all.map((s) => s.id).join(', ')}`);
  return all.filter((s) => only === undefined || only.has(s.id));
}

interface ProbeRun {
  idle: ProbeResult;
  loaded: ProbeResult;
  eventLoop: EventLoopDelay;
}

interface Measurement {
  answerBytes: number;
  load: LoadResult;
  probe?: ProbeRun;
}

type Outcome = { ok: true; echo: Measurement; service: Measurement } | { ok: false; title: string; problem: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One request through fetch: a readable error when a server does not do what the scenario needs. */
async function check(server: ServerProcess, scenario: Scenario): Promise<number> {
  const { path, headers, body } = scenario.request;
  // A copy typed as fetch wants it (Buffer<ArrayBufferLike> is not a BodyInit); once per scenario.
  const res = await fetch(server.origin + path, { method: 'POST', headers, body: new Uint8Array(body) });
  const answer = Buffer.from(await res.arrayBuffer());
  if (!res.ok) throw new Error(`${server.name} answered ${res.status}: ${answer.toString().slice(0, 300)}`);
  if (scenario.sameLengthAnswer && answer.length !== body.length) {
    throw new Error(`${server.name} answered ${answer.length} bytes, expected ${body.length} (${res.headers.get('content-type')})`);
  }
  return answer.length;
}

function drive(scenario: Scenario, origin: string, durationMs: number): Promise<LoadResult> {
  const request = { origin, ...scenario.request };
  return scenario.client === 'autocannon'
    ? autocannonLoad(request, scenario.connections, durationMs)
    : rawLoad(request, scenario.connections, durationMs);
}

async function measure(server: ServerProcess, scenario: Scenario): Promise<Measurement> {
  // The idle probe goes first: right after a 20 MB request a server is still collecting its garbage.
  const idle = scenario.probe ? await probeIdle(server) : undefined;
  const answerBytes = await check(server, scenario);
  if (scenario.warmupMs > 0) await drive(scenario, server.origin, scenario.warmupMs);
  if (idle === undefined) return { answerBytes, load: await drive(scenario, server.origin, scenario.durationMs) };

  await server.readEventLoopDelay(); // starts the reading window here
  const loadedProbe = startProbe({ origin: server.origin, ...probeRequest }, PROBE_RATE);
  const load = await drive(scenario, server.origin, scenario.durationMs);
  const loaded = await loadedProbe.stop();
  const eventLoop = await server.readEventLoopDelay();
  return { answerBytes, load, probe: { idle, loaded, eventLoop } };
}

/** The probe's latency on the otherwise idle server, after warming its route (as a busy service has it warm). */
async function probeIdle(server: ServerProcess): Promise<ProbeResult> {
  await rawLoad({ origin: server.origin, ...probeRequest }, 1, PROBE_WARMUP_MS);
  const probe = startProbe({ origin: server.origin, ...probeRequest }, PROBE_RATE);
  await sleep(DURATION.probeIdleMs);
  return probe.stop();
}

async function run(scenario: Scenario, echo: ServerProcess, service: ServerProcess): Promise<Outcome> {
  const start = performance.now();
  try {
    // The echo first, then the service: both warm, one at a time, the idle one costs nothing.
    const echoResult = await measure(echo, scenario);
    const serviceResult = await measure(service, scenario);
    return { ok: true, echo: echoResult, service: serviceResult };
  } catch (err) {
    return { ok: false, title: scenario.title, problem: err instanceof Error ? err.message : String(err) };
  } finally {
    process.stderr.write(`${scenario.title}: ${((performance.now() - start) / 1000).toFixed(1)} s\n`);
  }
}

// Formatting

const rate = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(1));
const ms = (n: number) => (Number.isNaN(n) ? '–' : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const bytes = (n: number) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);
const latency = (l: LatencySummary) => `${ms(l.p50)} / ${ms(l.p99)}`;
const verdict = (met: boolean) => (met ? 'met' : '**missed**');

function failures(m: Measurement): string {
  return m.load.failed === 0 ? '' : ` (${m.load.failed} failed: ${m.load.firstFailure})`;
}

function targetCell(target: Target | undefined, rateRatio: number, timeRatio: number): string {
  if (target === undefined) return '';
  if (target.kind === 'rate') return `≥ ${target.min * 100} % req/s: ${verdict(rateRatio >= target.min)}`;
  return `time ≤ ${target.max}×: ${verdict(timeRatio <= target.max)}`;
}

function throughputTable(results: Array<{ scenario: Scenario; outcome: Outcome }>): string {
  const lines = [
    '| scenario | client, connections | answer bytes (service / echo) | service req/s | service p50 / p99 ms | echo req/s | echo p50 / p99 ms | req/s vs echo | time vs echo | target |',
    '|---|---|---|--:|--:|--:|--:|--:|--:|---|',
  ];
  for (const { scenario, outcome } of results) {
    if (!outcome.ok) {
      lines.push(`| ${scenario.title} | not measured: ${outcome.problem.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |||||||||`);
      continue;
    }
    const { echo, service } = outcome;
    const rateRatio = service.load.reqPerSec / echo.load.reqPerSec;
    const timeRatio = echo.load.reqPerSec / service.load.reqPerSec;
    lines.push(
      `| ${scenario.title} | ${scenario.client}, ${scenario.connections} | ${bytes(service.answerBytes)} / ${bytes(echo.answerBytes)} ` +
        `| ${rate(service.load.reqPerSec)}${failures(service)} | ${latency(service.load.latency)} ` +
        `| ${rate(echo.load.reqPerSec)}${failures(echo)} | ${latency(echo.load.latency)} ` +
        `| ${(rateRatio * 100).toFixed(0)} % | ${timeRatio.toFixed(2)}× | ${targetCell(scenario.target, rateRatio, timeRatio)} |`,
    );
  }
  return lines.join('\n');
}

function probeTable(results: Array<{ scenario: Scenario; outcome: Outcome }>): string | undefined {
  const rows = results.filter((r) => r.scenario.probe && r.outcome.ok);
  if (rows.length === 0) return undefined;
  const lines = [
    '| scenario | server | large req/s | event-loop delay p99 / max ms | small p99 idle ms | small p99 loaded ms (n) | loaded vs idle | target |',
    '|---|---|--:|--:|--:|--:|--:|---|',
  ];
  for (const { scenario, outcome } of rows) {
    if (!outcome.ok) continue;
    for (const [name, m] of [['service', outcome.service], ['echo', outcome.echo]] as const) {
      const p = m.probe;
      if (p === undefined) continue;
      const ratio = p.loaded.p99 / p.idle.p99;
      const target =
        name === 'service'
          ? `delay p99 < 50 ms: ${verdict(p.eventLoop.p99 < 50)}; small p99 ≤ 3× idle: ${verdict(ratio <= 3)}`
          : 'baseline';
      const probeFailures = p.loaded.failed + p.idle.failed > 0 ? `, ${p.loaded.failed + p.idle.failed} failed` : '';
      lines.push(
        `| ${scenario.title} | ${name} | ${rate(m.load.reqPerSec)}${failures(m)} | ${ms(p.eventLoop.p99)} / ${ms(p.eventLoop.max)} ` +
          `| ${ms(p.idle.p99)} | ${ms(p.loaded.p99)} (${p.loaded.count}${probeFailures}) | ${ratio.toFixed(1)}× | ${target} |`,
      );
    }
  }
  return lines.join('\n');
}

function machine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
}

/** The 1-minute load average: near 0 when nothing else ran beside the bench. */
const loadAverage = () => os.loadavg()[0].toFixed(2);

/**
 * The Python that has FastAPI, uvicorn and PyTorch (bench/peers/fastapi_torch.py): Debian's
 * packages go to /usr/bin/python3, which another python3 on the PATH (pyenv) may hide.
 */
function peerPython(): string | undefined {
  return ['/usr/bin/python3', 'python3'].find(
    (python) => spawnSync(python, ['-c', 'import torch, fastapi, uvicorn'], { stdio: 'ignore' }).status === 0,
  );
}

const PEER_TARGET = 20;

/** The service against the peer a Python shop would write, on 16-number JSON, one after the other. */
async function peerTable(service: ServerProcess, env: Record<string, string | undefined>, cpus: string | undefined): Promise<string> {
  const python = peerPython();
  if (python === undefined) {
    return 'Peer (FastAPI + uvicorn + PyTorch): not measured, its packages are missing (apt-get install python3-torch python3-fastapi python3-uvicorn).';
  }
  const peer = await startServer({ name: 'peer', entry: '', command: [python, 'bench/peers/fastapi_torch.py', '{port}'], env, cpus });
  const lines = [
    'Peer: FastAPI + uvicorn + PyTorch (one worker, same pinning), 16-number JSON, 10 connections\n',
    '| function | service req/s | peer req/s | peer p50 / p99 ms | service ÷ peer | target |',
    '|---|--:|--:|--:|--:|---|',
  ];
  try {
    for (const fn of ['relu', 'gelu']) {
      const scenario: Scenario = {
        id: `peer-${fn}`,
        title: `small JSON ${fn} (peer)`,
        request: { path: `/activations/${fn}`, headers: JSON_HEADERS, body: smallJson },
        client: 'autocannon',
        connections: 10,
        durationMs: DURATION.smallMs,
        warmupMs: DURATION.smallWarmupMs,
      };
      const outcome = await run(scenario, peer, service);
      if (!outcome.ok) {
        lines.push(`| ${fn} | not measured: ${outcome.problem.replace(/\n/g, ' ')} |||||`);
        continue;
      }
      const ratio = outcome.service.load.reqPerSec / outcome.echo.load.reqPerSec;
      lines.push(
        `| ${fn} | ${rate(outcome.service.load.reqPerSec)} | ${rate(outcome.echo.load.reqPerSec)}${failures(outcome.echo)} ` +
          `| ${latency(outcome.echo.load.latency)} | ${ratio.toFixed(1)}× | ${fn === 'relu' ? `≥ ${PEER_TARGET}×: ${verdict(ratio >= PEER_TARGET)}` : ''} |`,
      );
    }
  } finally {
    await peer.stop();
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const loadBefore = loadAverage();
  const list = scenarios();
  const pinning = pinLoadGenerator(!args.includes('--no-pin'));
  const serverEnv = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
  const [echo, service] = await Promise.all([
    startServer({ name: 'echo', entry: 'bench/echo-server.ts', env: serverEnv, cpus: pinning.serverCpus }),
    startServer({ name: 'service', entry: 'dist/server.js', env: serverEnv, cpus: pinning.serverCpus }),
  ]);
  try {
    const results: Array<{ scenario: Scenario; outcome: Outcome }> = [];
    for (const scenario of list) results.push({ scenario, outcome: await run(scenario, echo, service) });

    const serverCpuCount = pinning.serverCpus?.split(',').length ?? os.availableParallelism();
    const threads = process.env.POOL_THREADS ?? `0 (= ${serverCpuCount}, the CPUs the service may use)`;
    console.log(`HTTP bench${quick ? ' (--quick)' : ''}, ${new Date().toISOString()}\n`);
    console.log(`- Machine: ${machine()}; load average ${loadBefore} before, ${loadAverage()} after (other work on the machine skews results)`);
    console.log(`- Pinning: ${pinning.description}; POOL_THREADS=${threads}`);
    console.log('- Latencies in ms from request start to the answer\'s last byte; "time vs echo" = echo req/s ÷ service req/s.\n');
    console.log(throughputTable(results));
    const probes = probeTable(results);
    if (probes !== undefined) {
      console.log(
        `\nLarge JSON beside small requests (relu, ${SMALL} numbers, ${PROBE_RATE}/s); event-loop delay from ` +
          'monitorEventLoopDelay at prom-client\'s 10 ms resolution (an idle loop reads ~10 ms).\n',
      );
      console.log(probes);
    }
    if (only === undefined || only.has('peer')) console.log(`\n${await peerTable(service, serverEnv, pinning.serverCpus)}`);
  } finally {
    await Promise.all([echo.stop(), service.stop()]);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
