// CPU pinning for the HTTP bench: the load generator (this process) on the last allowed core, the servers on the others.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Pinning {
  /** taskset's -c list for the servers; undefined when they run unpinned. */
  serverCpus?: string;
  /** One line for the report: what ran where, or why nothing was pinned. */
  description: string;
}

/** Parses a kernel CPU list such as `0-1,4` into the CPU ids. */
function parseCpuList(list: string): number[] {
  const cpus: number[] = [];
  for (const part of list.trim().split(',')) {
    const [from, to = from] = part.split('-').map(Number);
    for (let cpu = from; cpu <= to; cpu++) cpus.push(cpu);
  }
  return cpus;
}

/** The CPUs this process may run on (its affinity, which a container's cpuset narrows), from /proc. */
function allowedCpus(): number[] | undefined {
  try {
    const match = /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? parseCpuList(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * With two cores or more and `taskset`, pins every thread of this process (-a: the main thread,
 * libuv's and V8's helpers, tsx's loader thread) to the last allowed core, and leaves the others
 * for the servers, which are spawned under `taskset -c`. Otherwise load and servers share the CPUs.
 */
export function pinLoadGenerator(wanted: boolean): Pinning {
  if (!wanted) return { description: 'not pinned (--no-pin): servers and load generator share every core' };
  const cpus = allowedCpus();
  if (cpus === undefined || cpus.length < 2) {
    return { description: `not pinned: ${cpus === undefined ? 'no /proc/self/status' : 'one core'}; results mix load and server` };
  }
  if (spawnSync('taskset', ['-V']).status !== 0) return { description: 'not pinned: taskset not found' };
  const loadCpu = cpus[cpus.length - 1];
  const serverCpus = cpus.slice(0, -1).join(',');
  execFileSync('taskset', ['-a', '-c', '-p', String(loadCpu), String(process.pid)], { stdio: 'ignore' });
  return {
    serverCpus,
    description: `servers on CPU ${serverCpus} (taskset -c), load generator on CPU ${loadCpu} (taskset -a -p)`,
  };
}
