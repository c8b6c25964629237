// Starts a server under test as a child process (pinned with taskset when asked), waits until it answers, and stops it.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EventLoopDelayMessage } from './event-loop-monitor.js';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MONITOR_URL = pathToFileURL(join(REPO_ROOT, 'bench', 'event-loop-monitor.ts')).href;
const STARTUP_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

export type EventLoopDelay = Omit<EventLoopDelayMessage, 'type'>;

export interface ServerProcess {
  name: string;
  /** `http://127.0.0.1:port` */
  origin: string;
  /** The event-loop delay since the previous call (so call it once before a measured run). */
  readEventLoopDelay(): Promise<EventLoopDelay>;
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** Short name for logs and tables. */
  name: string;
  /** The entry file, relative to the repository root (the service runs compiled: npm run build). */
  entry: string;
  /**
   * Another program instead of node: its argv, `{port}` replaced by the port. It has no IPC
   * channel, so its event-loop delay cannot be read.
   */
  command?: string[];
  env: Record<string, string | undefined>;
  /** taskset -c list; undefined runs it unpinned. */
  cpus?: string;
}

/** Every child still running, so that an error or a signal in the bench does not leave servers behind. */
const running = new Set<ChildProcess>();

/** Kills `child` too when the bench exits, fails or is interrupted (a load generator's child, say). */
export function killWithBench(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

/** A port free on loopback now (the child binds it a moment later; nothing else here races for it). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  if (address === null || typeof address === 'string') throw new Error('no TCP port from the OS');
  return address.port;
}

async function waitUntilLive(origin: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before answering:\n${output()}`);
    }
    try {
      const res = await fetch(`${origin}/health/live`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server did not answer /health/live within ${STARTUP_TIMEOUT_MS} ms:\n${output()}`);
}

export async function startServer(options: ServerOptions): Promise<ServerProcess> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const argv = options.command?.map((a) => a.replace('{port}', String(port))) ?? [
    process.execPath,
    '--import',
    'tsx',
    '--import',
    MONITOR_URL,
    options.entry,
  ];
  const [command, ...args] = options.cpus === undefined ? argv : ['taskset', '-c', options.cpus, ...argv];
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: { ...options.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe', options.command ? 'ignore' : 'ipc'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));

  // Keep the output for an error message, and show what a server says while it runs (warnings and up).
  let tail = '';
  const forward = (chunk: Buffer) => {
    const text = chunk.toString();
    tail = (tail + text).slice(-4000);
    process.stderr.write(text.replace(/^(?=.)/gm, `[${options.name}] `));
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);

  try {
    await waitUntilLive(origin, child, () => tail);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }

  return {
    name: options.name,
    origin,
    async readEventLoopDelay() {
      const reply = new Promise<EventLoopDelay>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${options.name}: no event-loop delay reading`)), 10_000);
        child.once('message', (message: EventLoopDelayMessage) => {
          clearTimeout(timer);
          const { type: _type, ...delay } = message;
          resolve(delay);
        });
      });
      child.send('read-event-loop-delay');
      return reply;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
