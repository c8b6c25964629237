// The memory budget: how many bytes the requests in flight may hold at once, from the container's limit.
import { totalmem } from 'node:os';

/**
 * Shares of the memory the process may use that go to requests. The rest holds the process
 * itself (~170 MB idle with two workers), V8's garbage between collections, the worker heaps that
 * parse large JSON and the allocator's slack. Measured with the k8s manifest's 1 GiB limit, a
 * budget of 40 % kept the peak RSS of bursts, concurrent uploads and large JSON answers under
 * the limit (docs/OPERATIONS.md, "Memory"). Without a limit the machine is shared with whatever
 * else runs there, so the share is smaller.
 */
export const LIMIT_SHARE = 0.4;
export const MACHINE_SHARE = 0.25;

/** A limit at or above the machine's memory is no limit (cgroup v1 reports 2^63 - 4096 for none). */
export function containerLimit(constrained: number | undefined = process.constrainedMemory?.(), machine = totalmem()): number | undefined {
  return constrained !== undefined && constrained > 0 && constrained < machine ? constrained : undefined;
}

export interface MemoryBudget {
  bytes: number;
  /**
   * Where it comes from. A budget set or derived from a container's limit is the service's to
   * hold: its arena is faulted in at start (arena.ts). A share of a shared machine is taken as used.
   */
  source: 'configured' | 'container' | 'machine';
}

/** MEMORY_BUDGET_BYTES when set (non-zero), else a share of the container's limit or of the machine. */
export function memoryBudget(configured: number, limit = containerLimit(), machine = totalmem()): MemoryBudget {
  if (configured > 0) return { bytes: configured, source: 'configured' };
  if (limit !== undefined) return { bytes: Math.floor(limit * LIMIT_SHARE), source: 'container' };
  return { bytes: Math.floor(machine * MACHINE_SHARE), source: 'machine' };
}
