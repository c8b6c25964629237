// Large inline work runs block by block: the event loop gets its turns meanwhile, and a cancelled lease stops it there.
import t from 'tap';
import { registry } from '../../src/core/registry.js';
import type { Tensor } from '../../src/core/definition.js';
import { testApp } from '../helpers/app.js';
import { testLease } from '../helpers/lease.js';

const gelu = registry.get('gelu')!;
const EXACT = { approximate: 'none' };
/** 2M float64 gelu: tens of milliseconds of kernel, far more than one slice of the event loop. */
const big: Tensor = { data: Float64Array.from({ length: 2 << 20 }, (_, i) => (i % 1000) / 100 - 5), shape: [2 << 20] };

t.test('a large inline batch lets the event loop run between its blocks, with the same bytes', async (t) => {
  const app = await testApp(t, { POOL_THREADS: '1' }); // one thread: everything inline
  let turns = 0;
  const tick = setInterval(() => turns++, 0);
  const y = await app.compute.forward(gelu, big, EXACT);
  clearInterval(tick);
  t.ok(turns > 0, `timers ran ${turns} times while it computed`);
  t.same(Buffer.from(y.data.buffer, y.data.byteOffset, y.data.byteLength), Buffer.from(gelu.forward(big, EXACT as never).data.buffer));
});

t.test('a cancelled lease stops a large inline batch at its next turn', async (t) => {
  const app = await testApp(t, { POOL_THREADS: '1' });
  const lease = testLease(t, app);
  const call = app.compute.forward(gelu, big, EXACT, lease);
  setImmediate(() => lease.cancel());
  t.equal(((await call.catch((e: unknown) => e)) as Error).name, 'AbortError');
  lease.release();
  t.match(app.compute.stats(), { inFlight: 0, leases: 0 });
});
