// The memory budget: configured, or a share of the container's limit, or of the machine; a limit at the machine's size is none.
import t from 'tap';
import { containerLimit, LIMIT_SHARE, MACHINE_SHARE, memoryBudget } from '../../src/memory/budget.js';

const GiB = 2 ** 30;

t.test('MEMORY_BUDGET_BYTES wins; else 40 % of a container limit; else 25 % of the machine', async (t) => {
  t.same(memoryBudget(123_456, GiB, 24 * GiB), { bytes: 123_456, source: 'configured' });
  t.same(memoryBudget(0, GiB, 24 * GiB), { bytes: Math.floor(GiB * LIMIT_SHARE), source: 'container' });
  t.same(memoryBudget(0, undefined, 24 * GiB), { bytes: Math.floor(24 * GiB * MACHINE_SHARE), source: 'machine' });
});

t.test('cgroup v1 reports no limit as 2^63 - 4096, and a limit above the machine is no limit either', async (t) => {
  t.equal(containerLimit(2 ** 63 - 4096, 24 * GiB), undefined);
  t.equal(containerLimit(48 * GiB, 24 * GiB), undefined);
  t.equal(containerLimit(0, 24 * GiB), undefined);
  t.equal(containerLimit(undefined, 24 * GiB), undefined);
  t.equal(containerLimit(GiB, 24 * GiB), GiB);
});
