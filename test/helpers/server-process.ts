// Runs the real server entry (src/server.ts) as a child process on a free loopback port, for tests of signals and sockets.
import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import { inCgroup, type MemoryCgroup } from '../../bench/cgroup.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  port: number;
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What the process wrote to stdout and stderr (pino JSON lines). */
  output(): string;
}

/** A port free right now: the kernel picks it, then it is released for the server to take. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export interface StartOptions {
  /** The process enters this cgroup before it starts (its memory limit applies). */
  cgroup?: MemoryCgroup;
}

/** Starts `node --import tsx src/server.ts` and resolves once /health/live answers; killed on teardown. */
export async function startServer(t: Test, env: Record<string, string> = {}, options: StartOptions = {}): Promise<ServerProcess> {
  const port = await freePort();
  const node = [process.execPath, '--import', 'tsx', 'src/server.ts'];
  // The shell writes its own pid into the cgroup, then becomes node: same pid, inside the cgroup from its first instruction.
  const [command, ...args] = options.cgroup === undefined ? node : inCgroup(options.cgroup, node);
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', POOL_THREADS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let running = true;
  void exited.then(() => (running = false));
  t.teardown(() => {
    if (running) child.kill('SIGKILL');
  });
  for (let attempt = 0; attempt < 300; attempt++) {
    if (!running) throw new Error(`the server exited before listening:\n${output}`);
    const live = await answers(port, '/health/live');
    if (live) return { port, child, exited, output: () => output };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the server did not answer /health/live within 30 s:\n${output}`);
}

/** True when GET path answers 200 (on a connection of its own, closed after: no idle socket left behind). */
function answers(port: number, path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path, agent: false, headers: { connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('error', () => resolve(false));
  });
}
