// A memory cgroup (v2 or v1) to run a real process under a real memory limit: the soak's and the tests'.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MemoryCgroup {
  /** Write a pid here to move that process in. */
  procs: string;
  /** The most memory the group has used (bytes), and how many of its processes the OOM killer ended. */
  peak(): number;
  oomKills(): number;
  /** Kills what still runs in it and removes it. */
  remove(): Promise<void>;
}

const V2 = '/sys/fs/cgroup';
const V1 = '/sys/fs/cgroup/memory';
let made = 0;

function counter(file: string, name: string): number {
  const line = readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1] ?? 0);
}

/**
 * A cgroup limited to `limitBytes` of memory and no swap. cgroup v2 when the memory controller is
 * there, else v1 (the development machines have v1 writable as root). Throws when neither can be made.
 */
export function memoryCgroup(limitBytes: number, label = 'rectifier'): MemoryCgroup {
  const name = `${label}-${process.pid}-${++made}`;
  let dir: string;
  let peakFile: string;
  let oom: () => number;
  if (existsSync(join(V2, 'cgroup.controllers')) && readFileSync(join(V2, 'cgroup.controllers'), 'utf8').includes('memory')) {
    dir = join(V2, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'memory.max'), String(limitBytes));
    if (existsSync(join(dir, 'memory.swap.max'))) writeFileSync(join(dir, 'memory.swap.max'), '0');
    peakFile = join(dir, 'memory.peak');
    oom = () => counter(join(dir, 'memory.events'), 'oom_kill');
  } else if (existsSync(join(V1, 'memory.limit_in_bytes'))) {
    dir = join(V1, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'memory.limit_in_bytes'), String(limitBytes));
    if (existsSync(join(dir, 'memory.memsw.limit_in_bytes'))) writeFileSync(join(dir, 'memory.memsw.limit_in_bytes'), String(limitBytes));
    peakFile = join(dir, 'memory.max_usage_in_bytes');
    oom = () => counter(join(dir, 'memory.oom_control'), 'oom_kill');
  } else {
    throw new Error('no writable memory cgroup (v2 memory controller or v1 /sys/fs/cgroup/memory): run as root on Linux');
  }
  const procs = join(dir, 'cgroup.procs');
  return {
    procs,
    peak: () => Number(readFileSync(peakFile, 'utf8')),
    oomKills: oom,
    async remove() {
      // Only an empty group can be removed: whatever still runs in it is killed first.
      for (let attempt = 0; attempt < 50; attempt++) {
        const pids = readFileSync(procs, 'utf8').split('\n').filter(Boolean).map(Number);
        if (pids.length === 0) break;
        for (const pid of pids) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      rmdirSync(dir);
    },
  };
}

/** The argv that starts `argv` inside the group: a shell writes its pid there, then becomes the program (same pid). */
export function inCgroup(group: MemoryCgroup, argv: string[]): string[] {
  return ['/bin/sh', '-c', 'echo $$ > "$0" && exec "$@"', group.procs, ...argv];
}
