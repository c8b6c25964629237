// A memory cgroup of the test's own (bench/cgroup.ts), removed on teardown.
import type { Test } from 'tap';
import { memoryCgroup as make, type MemoryCgroup } from '../../bench/cgroup.js';

export type { MemoryCgroup };

export function memoryCgroup(t: Test, limitBytes: number): MemoryCgroup {
  const group = make(limitBytes, 'rectifier-test');
  t.teardown(() => group.remove());
  return group;
}
