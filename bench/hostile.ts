// Hostile clients against the service in its Kubernetes configuration: probe latency during a burst of uploads, and the cost of client aborts.
//
//   node --import tsx bench/hostile.ts [--quick]      (needs dist/: npm run build; built here if missing)
//
// 1. Probes during a burst. A child process (bench/hostile-client.ts burst) sends waves of 300
//    concurrent fresh connections, each POSTing a 1M-element float32 binary gelu (4 MiB), for 20 s
//    (5 s with --quick). Meanwhile this process sends GET /health/ready and /health/live every
//    50 ms on HEALTH_PORT and on PORT, each on a fresh connection, and times them (request start
//    to last byte of the answer); the same probes for 5 s on the idle service are the baseline.
//    The burst comes from another process because one process writing hundreds of 4 MiB bodies
//    delays its own timers, and would time itself rather than the server.
// 2. Client aborts. 4 keep-alive connections send a 400k-element float64 binary gelu back to back
//    (split across the 2 workers) for 15 s (5 s with --quick) alone, then again while a child
//    (bench/hostile-client.ts abort) sends 500 requests that it abandons: half mid-computation
//    (the whole body, then the socket destroyed 0–20 ms later), half mid-body (half of it, then a
//    reset). GET /metrics before and after: worker exits, aborted requests, requests in flight,
//    reserved memory.
//
// Markdown on stdout, progress on stderr. Bounded: loopback only, a timeout on every request, the
// whole run killed after 3 minutes, children killed on exit, SIGINT and SIGTERM (and they exit
// by themselves when this process's IPC channel closes).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import {
  ABORT_ELEMENTS,
  ABORT_HEADERS,
  BURST_CONNECTIONS,
  BURST_ELEMENTS,
  BURST_HEADERS,
  float64Body,
  type AbortResult,
  type BurstResult,
  type ClientMessage,
} from './hostile-client.js';
import { summarize, type LatencySummary } from './latencies.js';
import { float32Body } from './payloads.js';
import { rawLoad, send, type LoadResult, type RawRequest } from './raw-load.js';
import { freePort, killWithBench, REPO_ROOT, startServer, type ServerProcess } from './server-process.js';

const QUICK = process.argv.includes('--quick');
const DURATION = {
  idleProbeMs: QUICK ? 2_000 : 5_000,
  burstMs: QUICK ? 5_000 : 20_000,
  loadWarmupMs: QUICK ? 1_000 : 2_000,
  loadMs: QUICK ? 5_000 : 15_000,
};
const PROBE_INTERVAL_MS = 50;
/** A probe without an answer by then counts as failed (status 0) with this latency; kubelet gives up after 2–3 s. */
const PROBE_TIMEOUT_MS = 10_000;
const PROBE_TARGET_MS = 100;
const LOAD_CONNECTIONS = 4;
const ABORT_COUNT = 500;
const P99_RATIO_TARGET = 1.5;
const RUN_TIMEOUT_MS = 180_000;
const METRICS_SETTLE_MS = 10_000;
const MiB = 1024 * 1024;

/** deploy/k8s/deployment.yaml, outside its container: literal values, POOL_THREADS from limits.cpu, the memory budget the server derives from limits.memory. */
function manifestEnv(healthPort: number): Record<string, string | undefined> {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    HEALTH_PORT: String(healthPort),
    POOL_THREADS: '2',
    POOL_QUEUE: '16',
    DRAIN_TIMEOUT_MS: '20000',
    KEEP_ALIVE_TIMEOUT_MS: '65000',
    REQUEST_TIMEOUT_MS: '30000',
    // 40 % of limits.memory (1 GiB), as the server computes it from its cgroup inside the pod;
    // here it would take 25 % of the machine's memory.
    MEMORY_BUDGET_BYTES: String(Math.floor(0.4 * 1024 * MiB)),
    LOG_LEVEL: 'warn',
  };
}

// ---------------------------------------------------------------------------------------------
// Bounds and children

setTimeout(() => {
  process.stderr.write(`hostile: still running after ${RUN_TIMEOUT_MS / 1000} s, killed\n`);
  process.exit(124);
}, RUN_TIMEOUT_MS).unref();

const log = (text: string) => process.stderr.write(`hostile: ${text}\n`);


/** Runs bench/hostile-client.ts in a child with an IPC channel; resolves once it reports 'started', with its final result to come. */
async function startClient<T extends BurstResult | AbortResult>(args: string[]): Promise<{ result: Promise<T> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'bench', 'hostile-client.ts'), ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  killWithBench(child);
  let onStarted!: () => void;
  const started = new Promise<void>((resolve) => (onStarted = resolve));
  const result = new Promise<T>((resolve, reject) => {
    child.on('message', (message: ClientMessage) => {
      if (message.type === 'started') onStarted();
      else resolve(message as T);
    });
    child.once('close', (code, signal) => reject(new Error(`${args[0]} client exited (${code ?? signal}) without a result`)));
  });
  await Promise.race([started, result]);
  return { result };
}

// ---------------------------------------------------------------------------------------------
// Probes

interface ProbeSample {
  ms: number;
  /** HTTP status, 0 for no answer (timeout, connection error) */
  status: number;
  /** what a non-200 said: the `status` field of a health answer, or the error */
  detail?: string;
}

/** GET on a fresh connection (agent: false, Connection: close, as kubelet probes); never rejects. */
function probe(port: number, path: string): Promise<ProbeSample> {
  return new Promise((resolve) => {
    const start = performance.now();
    let settled = false;
    const done = (status: number, detail?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ms: performance.now() - start, status, detail });
    };
    const req = request({ agent: false, hostname: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        let detail: string | undefined;
        if (status !== 200) {
          try {
            detail = String((JSON.parse(Buffer.concat(chunks).toString()) as { status?: unknown }).status);
          } catch {
            detail = 'unparsable body';
          }
        }
        done(status, detail);
      });
      res.on('error', (err) => done(0, err.message));
    });
    const timer = setTimeout(() => {
      req.destroy();
      done(0, `no answer within ${PROBE_TIMEOUT_MS} ms`);
    }, PROBE_TIMEOUT_MS);
    req.on('error', (err) => done(0, (err as NodeJS.ErrnoException).code ?? err.message));
    req.end();
  });
}

interface ProbeTarget {
  port: 'HEALTH_PORT' | 'PORT';
  portNumber: number;
  path: '/health/ready' | '/health/live';
}

/**
 * Probes every target every PROBE_INTERVAL_MS (the targets staggered across the interval, on a
 * fixed schedule that does not wait for answers) until `stop` resolves; then waits for the answers
 * still due.
 */
async function probeUntil(targets: ProbeTarget[], stop: Promise<unknown>): Promise<ProbeSample[][]> {
  const samples = targets.map(() => [] as ProbeSample[]);
  const pending: Array<Promise<void>> = [];
  let stopped = false;
  void stop.finally(() => (stopped = true)).catch(() => undefined);
  const timers = targets.map((target, i) => {
    const start = performance.now() + (i * PROBE_INTERVAL_MS) / targets.length;
    let n = 0;
    let timer: NodeJS.Timeout;
    const tick = () => {
      if (stopped) return;
      pending.push(probe(target.portNumber, target.path).then((s) => void samples[i].push(s)));
      n++;
      timer = setTimeout(tick, Math.max(0, start + n * PROBE_INTERVAL_MS - performance.now()));
    };
    timer = setTimeout(tick, Math.max(0, start - performance.now()));
    return () => clearTimeout(timer);
  });
  await stop.catch(() => undefined);
  stopped = true;
  for (const clear of timers) clear();
  await Promise.all(pending);
  return samples;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Metrics

const WATCHED = [
  'rectifier_pool_worker_exits_total',
  'rectifier_http_aborted_requests_total',
  'rectifier_tasks_aborted_total',
  'rectifier_requests_in_flight',
  'rectifier_memory_reserved_bytes',
  'rectifier_http_rejections_total',
  'rectifier_pool_live_workers',
] as const;
type Watched = (typeof WATCHED)[number];
type Metrics = Record<Watched, number>;

/** GET /metrics on HEALTH_PORT, each watched metric summed over its label sets. */
async function readMetrics(healthOrigin: string): Promise<Metrics> {
  const res = await fetch(`${healthOrigin}/metrics`, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET /metrics: ${res.status}`);
  const sums = Object.fromEntries(WATCHED.map((name) => [name, 0])) as Metrics;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match && (WATCHED as readonly string[]).includes(match[1])) sums[match[1] as Watched] += Number(match[2]);
  }
  return sums;
}

/** The metrics once nothing is in flight and nothing reserved (or after METRICS_SETTLE_MS), and how long that took. */
async function settledMetrics(healthOrigin: string): Promise<{ metrics: Metrics; settleMs: number; settled: boolean }> {
  const start = performance.now();
  for (;;) {
    const metrics = await readMetrics(healthOrigin);
    const settled = metrics.rectifier_requests_in_flight === 0 && metrics.rectifier_memory_reserved_bytes === 0;
    const settleMs = performance.now() - start;
    if (settled || settleMs > METRICS_SETTLE_MS) return { metrics, settleMs, settled };
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------
// Formatting

const ms = (v: number) => (Number.isNaN(v) ? '–' : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0));
const triple = (s: LatencySummary) => `${ms(s.p50)} / ${ms(s.p99)} / ${ms(s.max)}`;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
const loadAverage = () => os.loadavg()[0].toFixed(2);

function nonOk(samples: ProbeSample[]): { count: number; kinds: string } {
  const kinds = new Map<string, number>();
  for (const s of samples) {
    if (s.status === 200) continue;
    const key = s.status === 0 ? `no answer (${s.detail})` : `${s.status} ${s.detail ?? ''}`.trim();
    kinds.set(key, (kinds.get(key) ?? 0) + 1);
  }
  const count = [...kinds.values()].reduce((a, b) => a + b, 0);
  return { count, kinds: [...kinds].map(([k, n]) => `${k}: ${n}`).join(', ') };
}

function machine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores (available parallelism ${os.availableParallelism()}), Node ${process.version}, ${os.platform()} ${os.release()}`;
}

function ensureBuilt(): void {
  const entry = join(REPO_ROOT, 'dist', 'server.js');
  if (!existsSync(entry)) {
    log('dist/server.js missing: npm run build');
    const built = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 2, 2] });
    if (built.status !== 0) throw new Error('npm run build failed');
    return;
  }
  const builtAt = statSync(entry).mtimeMs;
  const newer = (readdirSync(join(REPO_ROOT, 'src'), { recursive: true }) as string[]).filter(
    (f) => f.endsWith('.ts') && statSync(join(REPO_ROOT, 'src', f)).mtimeMs > builtAt,
  );
  if (newer.length > 0) log(`warning: dist/ is older than ${newer.length} file(s) of src/ (${newer[0]}…): npm run build to measure them`);
}

// ---------------------------------------------------------------------------------------------
// The two measurements

async function checkAnswer(origin: string, req: Omit<RawRequest, 'origin'>, elements: number, bytesPer: number): Promise<void> {
  const agent = new Agent({ keepAlive: false });
  try {
    const answer = await send(agent, { origin, ...req });
    if (answer.status !== 200 || answer.bytes !== elements * bytesPer) {
      throw new Error(`${req.path} (${req.headers['x-dtype']}, ${elements}): status ${answer.status}, ${answer.bytes} bytes`);
    }
  } finally {
    agent.destroy();
  }
}

async function probesDuringBurst(service: ServerProcess, healthPort: number): Promise<string> {
  const mainPort = Number(new URL(service.origin).port);
  const targets: ProbeTarget[] = [
    { port: 'HEALTH_PORT', portNumber: healthPort, path: '/health/ready' },
    { port: 'HEALTH_PORT', portNumber: healthPort, path: '/health/live' },
    { port: 'PORT', portNumber: mainPort, path: '/health/ready' },
    { port: 'PORT', portNumber: mainPort, path: '/health/live' },
  ];
  const healthOrigin = `http://127.0.0.1:${healthPort}`;

  log(`idle probes for ${DURATION.idleProbeMs / 1000} s`);
  const idle = await probeUntil(targets, sleep(DURATION.idleProbeMs));

  const before = await readMetrics(healthOrigin);
  log(`burst: waves of ${BURST_CONNECTIONS} × 4 MiB uploads for ${DURATION.burstMs / 1000} s, from a child process`);
  // The event-loop delay of the server and of this process over the burst: a late probe timer here
  // would show in the latter (bench/event-loop-monitor.ts in the server, resolution 10 ms both).
  await service.readEventLoopDelay();
  const ownDelay = monitorEventLoopDelay({ resolution: 10 });
  ownDelay.enable();
  const client = await startClient<BurstResult>(['burst', service.origin, String(DURATION.burstMs)]);
  const burstStart = performance.now();
  const loaded = await probeUntil(targets, client.result);
  const burstMs = performance.now() - burstStart;
  ownDelay.disable();
  const serverDelay = await service.readEventLoopDelay();
  const burst = await client.result;
  const after = await settledMetrics(healthOrigin);

  const lines = [
    `## 1. Probes during a burst\n`,
    `Burst: ${burst.waves} waves of ${BURST_CONNECTIONS} concurrent fresh connections, each POST /activations/gelu with ` +
      `${BURST_ELEMENTS} float32 (4 MiB, binary in and out), ${burst.requests} requests in ${(burst.elapsedMs / 1000).toFixed(1)} s, ` +
      `from a child process. Probes: GET every ${PROBE_INTERVAL_MS} ms per row, each on a new connection, ` +
      `${DURATION.idleProbeMs / 1000} s idle then for the whole burst (${(burstMs / 1000).toFixed(1)} s); latency from request start ` +
      `to the answer's last byte, in ms; a probe unanswered within ${PROBE_TIMEOUT_MS / 1000} s counts as non-200 with that latency.\n`,
    '| port | probe | idle p50 / p99 / max | burst p50 / p99 / max | count idle / burst | non-200 idle / burst | non-200 during the burst |',
    '|---|---|--:|--:|--:|--:|---|',
  ];
  targets.forEach((target, i) => {
    const a = summarize(idle[i].map((s) => s.ms));
    const b = summarize(loaded[i].map((s) => s.ms));
    const badIdle = nonOk(idle[i]);
    const badBurst = nonOk(loaded[i]);
    lines.push(
      `| ${target.port} (${target.portNumber === healthPort ? 'health' : 'main'}) | ${target.path} | ${triple(a)} | ${triple(b)} ` +
        `| ${a.count} / ${b.count} | ${badIdle.count} / ${badBurst.count} | ${badBurst.kinds || '–'} |`,
    );
  });

  lines.push('', '| burst outcome | requests |', '|---|--:|');
  for (const [outcome, count] of Object.entries(burst.outcomes).sort((x, y) => y[1] - x[1])) {
    lines.push(`| ${/^\d+$/.test(outcome) ? `status ${outcome}` : outcome} | ${count} |`);
  }
  const unexpected = Object.entries(burst.outcomes)
    .filter(([outcome]) => outcome !== '200' && outcome !== '503')
    .reduce((n, [, count]) => n + count, 0);
  lines.push(
    '',
    `Only 200 and 503: ${unexpected === 0 ? 'yes' : `no (${unexpected} others)`}; 200 answers of the wrong length: ${burst.shortAnswers}. ` +
      `Server over the burst: ${after.metrics.rectifier_http_rejections_total - before.rectifier_http_rejections_total} rejections (503) counted, ` +
      `${after.metrics.rectifier_pool_worker_exits_total - before.rectifier_pool_worker_exits_total} worker exits; in flight ` +
      `${after.metrics.rectifier_requests_in_flight} and ${after.metrics.rectifier_memory_reserved_bytes} bytes reserved ` +
      `${after.settled ? `${(after.settleMs / 1000).toFixed(1)} s after the burst` : `still, ${METRICS_SETTLE_MS / 1000} s after the burst`}.`,
  );

  lines.push(
    '',
    `Event-loop delay over the burst (p50 / p99 / max, ms; sampled every 10 ms, so an idle loop reads ~10): the server's main thread ${ms(serverDelay.p50)} / ${ms(serverDelay.p99)} / ` +
      `${ms(serverDelay.max)}; this prober's ${ms(ownDelay.percentile(50) / 1e6)} / ${ms(ownDelay.percentile(99) / 1e6)} / ` +
      `${ms(ownDelay.max / 1e6)} ` +
      (ownDelay.max / 1e6 < 30
        ? `(its timers ran on time: the probe latencies are the server's, and the machine's two cores shared by all).`
        : `(WARNING: this process was itself delayed; the probe latencies include that).`),
  );

  const healthRows = targets.map((t, i) => ({ t, s: loaded[i] })).filter(({ t }) => t.port === 'HEALTH_PORT');
  const healthMax = Math.max(...healthRows.flatMap(({ s }) => s.map((x) => x.ms)));
  const healthUnanswered = healthRows.reduce((n, { s }) => n + s.filter((x) => x.status === 0).length, 0);
  const ok = healthMax < PROBE_TARGET_MS && healthUnanswered === 0;
  lines.push(
    '',
    `**Verdict: probes on HEALTH_PORT answer within ${PROBE_TARGET_MS} ms during the burst: ${verdict(ok)}** ` +
      `(max ${ms(healthMax)} ms over ${healthRows.reduce((n, { s }) => n + s.length, 0)} probes${healthUnanswered > 0 ? `, ${healthUnanswered} unanswered` : ''}; ` +
      `a 503 from /health/ready while saturated is an answer, and the contract).`,
  );
  return lines.join('\n');
}

function describeLoad(load: LoadResult): string {
  return load.failed > 0 ? ` (${load.failed} failed: ${load.firstFailure})` : '';
}

async function clientAborts(service: ServerProcess, healthPort: number): Promise<string> {
  const healthOrigin = `http://127.0.0.1:${healthPort}`;
  const req: RawRequest = { origin: service.origin, path: '/activations/gelu', headers: ABORT_HEADERS, body: float64Body(ABORT_ELEMENTS) };
  await checkAnswer(service.origin, req, ABORT_ELEMENTS, 8);

  log(`warm-up: ${LOAD_CONNECTIONS} connections for ${DURATION.loadWarmupMs / 1000} s`);
  await rawLoad(req, LOAD_CONNECTIONS, DURATION.loadWarmupMs);
  const start = await settledMetrics(healthOrigin);

  log(`load alone: ${LOAD_CONNECTIONS} connections for ${DURATION.loadMs / 1000} s`);
  const alone = await rawLoad(req, LOAD_CONNECTIONS, DURATION.loadMs);
  const between = await settledMetrics(healthOrigin);

  log(`load with ${ABORT_COUNT} aborting requests from a child process`);
  const client = await startClient<AbortResult>(['abort', service.origin, String(DURATION.loadMs), String(ABORT_COUNT)]);
  const [withAborts, aborts] = await Promise.all([rawLoad(req, LOAD_CONNECTIONS, DURATION.loadMs), client.result]);
  const end = await settledMetrics(healthOrigin);

  const p50Ratio = withAborts.latency.p50 / alone.latency.p50;
  const p99Ratio = withAborts.latency.p99 / alone.latency.p99;
  const rateRatio = withAborts.reqPerSec / alone.reqPerSec;
  const exits = end.metrics.rectifier_pool_worker_exits_total - between.metrics.rectifier_pool_worker_exits_total;
  const exitsAlone = between.metrics.rectifier_pool_worker_exits_total - start.metrics.rectifier_pool_worker_exits_total;
  const abortedCounted = end.metrics.rectifier_http_aborted_requests_total - between.metrics.rectifier_http_aborted_requests_total;
  const tasksAborted = end.metrics.rectifier_tasks_aborted_total - between.metrics.rectifier_tasks_aborted_total;
  const errorText = Object.entries(aborts.errors).map(([k, n]) => `${k}: ${n}`).join(', ');

  const row = (name: string, load: LoadResult) =>
    `| ${name} | ${load.ok} | ${ms(load.latency.p50)} | ${ms(load.latency.p99)} | ${ms(load.latency.max)} | ${load.reqPerSec.toFixed(1)} |${describeLoad(load) ? ` ${describeLoad(load)}` : ''}`;
  const metricRow = (name: string, m: Metrics, settle: { settleMs: number; settled: boolean }) =>
    `| ${name} | ${m.rectifier_pool_worker_exits_total} | ${m.rectifier_http_aborted_requests_total} | ${m.rectifier_tasks_aborted_total} ` +
    `| ${m.rectifier_requests_in_flight} | ${m.rectifier_memory_reserved_bytes} | ${m.rectifier_pool_live_workers} ` +
    `| ${settle.settled ? `${(settle.settleMs / 1000).toFixed(1)} s` : `not within ${METRICS_SETTLE_MS / 1000} s`} |`;

  const lines = [
    `## 2. Client aborts\n`,
    `Load: ${LOAD_CONNECTIONS} keep-alive connections, POST /activations/gelu with ${ABORT_ELEMENTS} float64 (binary in and out, ` +
      `${(req.body.length / MiB).toFixed(1)} MiB; split across the 2 workers), back to back for ${DURATION.loadMs / 1000} s, after a ` +
      `${DURATION.loadWarmupMs / 1000} s warm-up. Aborts: ${ABORT_COUNT} of the same request from a child process on fresh connections, ` +
      `spread over the run (${(aborts.elapsedMs / 1000).toFixed(1)} s): even ones the whole body then the socket destroyed after ` +
      `0–20 ms, odd ones half the body then a reset. Latencies in ms of the 200 answers.\n`,
    '| run | answers | p50 | p99 | max | req/s |',
    '|---|--:|--:|--:|--:|--:|',
    row('alone', alone),
    row(`with ${ABORT_COUNT} aborts`, withAborts),
    `| with ÷ alone | | ${p50Ratio.toFixed(2)}× | ${p99Ratio.toFixed(2)}× | | ${rateRatio.toFixed(2)}× |`,
    '',
    `Aborts sent: ${aborts.midComputeAborted} mid-computation (socket destroyed before the answer was complete), ` +
      `${aborts.midComputeAnsweredFirst} answered in full before their delay ran out (not aborts), ${aborts.midBodyReset} mid-body resets, ` +
      `${aborts.midBodyAnsweredFirst} answered before half the body was sent${errorText ? `; errors before the abort: ${errorText}` : ''}.`,
    '',
    '| GET /metrics | worker exits | aborted requests | aborted tasks | in flight | reserved bytes | live workers | settled after |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
    metricRow('before the load alone', start.metrics, start),
    metricRow('after it, before the aborts', between.metrics, between),
    metricRow('after the aborts', end.metrics, end),
    '',
    `Worker exits caused by the aborts: ${exits} (during the load alone: ${exitsAlone}); aborted requests counted ` +
      `(rectifier_http_aborted_requests_total): ${abortedCounted} of ${aborts.midComputeAborted + aborts.midBodyReset} aborts; ` +
      `computations dropped (rectifier_tasks_aborted_total): ${tasksAborted}.`,
    '',
    `**Verdict: ${ABORT_COUNT} client aborts cause no worker exit: ${verdict(exits === 0)}**`,
    '',
    `**Verdict: p99 with aborts within ${P99_RATIO_TARGET}× of without: ${verdict(p99Ratio <= P99_RATIO_TARGET)}** ` +
      `(${ms(withAborts.latency.p99)} ms against ${ms(alone.latency.p99)} ms, ${p99Ratio.toFixed(2)}×)` +
      `${end.settled ? '' : `; WARNING: ${end.metrics.rectifier_requests_in_flight} requests in flight and ${end.metrics.rectifier_memory_reserved_bytes} bytes still reserved ${METRICS_SETTLE_MS / 1000} s after the last answer`}`,
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const loadBefore = loadAverage();
  ensureBuilt();
  const healthPort = await freePort();
  const env = manifestEnv(healthPort);
  log(`starting dist/server.js (POOL_THREADS=2, POOL_QUEUE=16, HEALTH_PORT=${healthPort}, not pinned)`);
  const service = await startServer({ name: 'service', entry: 'dist/server.js', env });
  try {
    // HEALTH_PORT is bound just after PORT; wait for it too, then one request of each kind.
    const deadline = Date.now() + 10_000;
    while ((await probe(healthPort, '/health/live')).status !== 200) {
      if (Date.now() > deadline) throw new Error(`HEALTH_PORT ${healthPort} does not answer /health/live`);
      await sleep(100);
    }
    await checkAnswer(service.origin, { path: '/activations/gelu', headers: BURST_HEADERS, body: float32Body(BURST_ELEMENTS) }, BURST_ELEMENTS, 4);

    console.log(`# Hostile clients${QUICK ? ' (--quick)' : ''}\n`);
    console.log(`Machine: ${machine()}. 1-minute load average before: ${loadBefore}.`);
    console.log(
      `Service: dist/server.js on 127.0.0.1 as in deploy/k8s/deployment.yaml: POOL_THREADS=2, POOL_QUEUE=16, HEALTH_PORT, ` +
        `DRAIN_TIMEOUT_MS=20000, KEEP_ALIVE_TIMEOUT_MS=65000, REQUEST_TIMEOUT_MS=30000, MEMORY_BUDGET_BYTES=${env.MEMORY_BUDGET_BYTES} ` +
        `(40 % of limits.memory), LOG_LEVEL=warn; not pinned: the service, this process and the client children share every core.\n`,
    );
    console.log(await probesDuringBurst(service, healthPort));
    console.log('');
    console.log(await clientAborts(service, healthPort));
    console.log(`\n1-minute load average after: ${loadAverage()}.`);
  } finally {
    await service.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`hostile: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
