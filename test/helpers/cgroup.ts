// A memory cgroup of the test's own (v2 or v1), to run a real process under a real memory limit, removed on teardown.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Test } from 'tap';

export interface MemoryCgroup {
  /** Write a pid here to move that process in. */
  procs: string;
  /** The most memory the group has used (bytes), and how many of its processes the OOM killer ended. */
  peak(): number;
  oomKills(): number;
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
 * there, else v1 (this machine kind has v1 writable as root). Throws when neither can be made.
 */
export function memoryCgroup(t: Test, limitBytes: number): MemoryCgroup {
  const name = `rectifier-test-${process.pid}-${++made}`;
  let group: MemoryCgroup & { dir: string };
  if (existsSync(join(V2, 'cgroup.controllers')) && readFileSync(join(V2, 'cgroup.controllers'), 'utf8').includes('memory')) {
    const dir = join(V2, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'memory.max'), String(limitBytes));
    if (existsSync(join(dir, 'memory.swap.max'))) writeFileSync(join(dir, 'memory.swap.max'), '0');
    group = {
      dir,
      procs: join(dir, 'cgroup.procs'),
      peak: () => Number(readFileSync(join(dir, 'memory.peak'), 'utf8')),
      oomKills: () => counter(join(dir, 'memory.events'), 'oom_kill'),
    };
  } else if (existsSync(join(V1, 'memory.limit_in_bytes'))) {
    const dir = join(V1, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'memory.limit_in_bytes'), String(limitBytes));
    if (existsSync(join(dir, 'memory.memsw.limit_in_bytes'))) writeFileSync(join(dir, 'memory.memsw.limit_in_bytes'), String(limitBytes));
    group = {
      dir,
      procs: join(dir, 'cgroup.procs'),
      peak: () => Number(readFileSync(join(dir, 'memory.max_usage_in_bytes'), 'utf8')),
      oomKills: () => counter(join(dir, 'memory.oom_control'), 'oom_kill'),
    };
  } else {
    throw new Error('no writable memory cgroup (v2 memory controller or v1 /sys/fs/cgroup/memory): run as root on Linux');
  }
  t.teardown(async () => {
    // Only an empty group can be removed: whatever still runs in it is killed first.
    for (let attempt = 0; attempt < 50; attempt++) {
      const pids = readFileSync(group.procs, 'utf8').split('\n').filter(Boolean).map(Number);
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
    rmdirSync(group.dir);
  });
  return group;
}
