// Admission and Lease on their own: budget and slot refusals, enter/cancel flags, alloc/free/shrink, hold and release.
import t, { type Test } from 'tap';
import { Admission } from '../../src/pool/admission.js';
import { Arena, PAGE_BYTES as P } from '../../src/memory/arena.js';
import { ApiError } from '../../src/errors.js';

const MiB = 1024 * 1024;

function admission(slots = 2, budgetBytes = 8 * MiB, arenaBytes = 16 * P): Admission {
  return new Admission({ slots, budgetBytes, arena: new Arena(arenaBytes), flags: new Int32Array(new SharedArrayBuffer(4 * slots)) });
}

/** The ApiError `fn` throws (fails the test when it throws anything else or nothing). */
function apiError(t: Test, fn: () => unknown): ApiError | undefined {
  try {
    fn();
  } catch (err) {
    t.ok(err instanceof ApiError, `an ApiError: ${String(err)}`);
    return err as ApiError;
  }
  t.fail('did not throw');
  return undefined;
}

/** Nothing held: no bytes, no lease, no slot, no arena page. */
function idle(t: Test, a: Admission, what: string) {
  t.same(
    { reservedBytes: a.reservedBytes, leases: a.leases, inFlight: a.inFlight, arenaInUse: a.arena.stats().inUse },
    { reservedBytes: 0, leases: 0, inFlight: 0, arenaInUse: 0 },
    what,
  );
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

t.test('a reservation larger than the whole budget is a 413, and nothing is taken', async (t) => {
  const a = admission(2, 8 * MiB);
  const err = apiError(t, () => a.reserve(8 * MiB + 1));
  t.equal(err?.code, 'RECTIFIER_BODY_TOO_LARGE');
  t.equal(err?.statusCode, 413);
  t.match(err?.message, /more than the memory budget of 8\.0 MiB/);
  idle(t, a, 'nothing reserved');
  const whole = a.reserve(8 * MiB);
  t.equal(a.reservedBytes, 8 * MiB, 'exactly the budget fits');
  whole.release();
  idle(t, a, 'released');
});

t.test('a reservation when the budget is taken is a 503, and reservedBytes does not change', async (t) => {
  const a = admission(4, 8 * MiB);
  const first = a.reserve(6 * MiB);
  const err = apiError(t, () => a.reserve(3 * MiB));
  t.equal(err?.code, 'RECTIFIER_OVERLOADED');
  t.equal(err?.statusCode, 503);
  t.match(err?.message, /memory budget is in use \(6\.0 MiB of 8\.0 MiB reserved\)/);
  t.equal(a.reservedBytes, 6 * MiB, 'unchanged by the refusal');
  t.equal(a.leases, 1, 'no lease counted for the refusal');
  const second = a.reserve(2 * MiB);
  t.equal(a.reservedBytes, 8 * MiB, 'what is left still fits');
  t.equal(apiError(t, () => a.reserve(1))?.code, 'RECTIFIER_OVERLOADED');
  t.equal(a.reservedBytes, 8 * MiB);
  first.release();
  second.release();
  idle(t, a, 'released');
});

t.test('a reservation when every slot is taken is a 503; leases without a slot do not count', async (t) => {
  const a = admission(2, 8 * MiB);
  const l1 = a.reserve(MiB);
  const l2 = a.reserve(MiB);
  const l3 = a.reserve(MiB);
  t.equal(a.leases, 3, 'reserving takes no slot');
  t.equal(a.inFlight, 0);
  l1.enter();
  l2.enter();
  t.equal(a.inFlight, 2);
  t.ok(a.full);
  const err = apiError(t, () => a.reserve(1));
  t.equal(err?.code, 'RECTIFIER_OVERLOADED');
  t.equal(err?.statusCode, 503);
  t.match(err?.message, /at capacity \(2 requests in flight\)/);
  t.equal(a.reservedBytes, 3 * MiB, 'the refusal reserved nothing');
  t.equal(a.leases, 3);
  const enterErr = apiError(t, () => l3.enter());
  t.equal(enterErr?.code, 'RECTIFIER_OVERLOADED', 'enter() with no free slot');
  t.equal(l3.slot, -1, 'no slot taken');
  l1.release();
  t.notOk(a.full);
  t.equal(l3.enter(), l1.slot, 'the slot given back is taken again');
  l2.release();
  l3.release();
  idle(t, a, 'released');
});

t.test('enter() takes one slot, once, and clears its cancellation flag', async (t) => {
  const a = admission(3);
  a.flags.fill(1);
  const lease = a.reserve(MiB);
  t.equal(lease.slot, -1, 'no slot before enter()');
  const slot = lease.enter();
  t.ok(slot >= 0 && slot < 3);
  t.equal(lease.slot, slot);
  t.equal(Atomics.load(a.flags, slot), 0, 'flag cleared');
  t.equal(a.inFlight, 1);
  t.equal(lease.enter(), slot, 'idempotent');
  t.equal(lease.enter(), slot);
  t.equal(a.inFlight, 1, 'still one slot');
  const other = a.reserve(MiB);
  const otherSlot = other.enter();
  t.not(otherSlot, slot, 'another lease gets another slot');
  t.equal(Atomics.load(a.flags, otherSlot), 0);
  lease.release();
  other.release();
  idle(t, a, 'released');
});

t.test('cancel() before and after enter() raises the flag and calls the listeners once', async (t) => {
  const a = admission(2);

  const early = a.reserve(MiB);
  let earlyCalls = 0;
  early.onCancel(() => earlyCalls++);
  early.cancel();
  t.ok(early.cancelled);
  t.equal(earlyCalls, 1);
  const earlySlot = early.enter();
  t.equal(Atomics.load(a.flags, earlySlot), 1, 'a lease cancelled before enter() has its flag raised on enter()');
  early.cancel();
  t.equal(earlyCalls, 1, 'a second cancel() calls nothing');

  const late = a.reserve(MiB);
  const calls: string[] = [];
  late.onCancel(() => calls.push('first'));
  const remove = late.onCancel(() => calls.push('removed'));
  late.onCancel(() => calls.push('third'));
  remove();
  const lateSlot = late.enter();
  t.equal(Atomics.load(a.flags, lateSlot), 0);
  t.notOk(late.cancelled);
  late.cancel();
  t.ok(late.cancelled);
  t.equal(Atomics.load(a.flags, lateSlot), 1, 'flag raised for the running lease');
  t.same(calls, ['first', 'third'], 'every listener but the removed one, once');
  late.cancel();
  t.same(calls, ['first', 'third'], 'once');
  t.equal(Atomics.load(a.flags, earlySlot), 1, "the other lease's flag is unaffected");

  early.release();
  late.release();
  idle(t, a, 'released');
  const next = a.reserve(MiB);
  const slot = next.enter();
  t.equal(Atomics.load(a.flags, slot), 0, 'a reused slot starts with its flag cleared');
  next.release();
});

t.test('alloc() within and past the reservation', async (t) => {
  const a = admission(2, 8 * P, 16 * P);
  const lease = a.reserve(2 * P);
  const r1 = lease.alloc(P);
  t.equal(r1.offset % P, 0);
  t.equal(lease.bytes, 2 * P, 'within the reservation: no growth');
  t.equal(a.reservedBytes, 2 * P);
  const r2 = lease.alloc(3 * P);
  t.equal(lease.bytes, 4 * P, 'past it: grown by what is missing');
  t.equal(a.reservedBytes, 4 * P);
  t.equal(a.arena.stats().inUse, 4 * P);
  t.not(r1.offset, r2.offset);

  const other = a.reserve(3 * P);
  t.equal(a.reservedBytes, 7 * P);
  const err = apiError(t, () => lease.alloc(2 * P));
  t.equal(err?.code, 'RECTIFIER_OVERLOADED', 'past the budget: 503');
  t.equal(err?.statusCode, 503);
  t.match(err?.message, /memory budget is in use/);
  t.equal(lease.bytes, 4 * P, 'not grown');
  t.equal(a.reservedBytes, 7 * P, 'nothing reserved');
  t.equal(a.arena.stats().inUse, 4 * P, 'nothing allocated');

  other.release();
  lease.release();
  idle(t, a, 'released');
});

t.test('alloc() when the arena has no extent that large is a 503', async (t) => {
  const a = admission(2, 64 * P, 4 * P);
  const lease = a.reserve(64 * P);
  const err = apiError(t, () => lease.alloc(5 * P));
  t.equal(err?.code, 'RECTIFIER_OVERLOADED');
  t.match(err?.message, /no free stretch of the buffer arena/);
  t.equal(a.arena.stats().inUse, 0);
  lease.release();
  idle(t, a, 'released');
});

t.test('free() gives a region back before release; unknown or repeated frees are ignored', async (t) => {
  const a = admission(2, 8 * MiB, 16 * P);
  const lease = a.reserve(4 * P);
  const body = lease.alloc(2 * P);
  lease.alloc(P);
  t.equal(a.arena.stats().inUse, 3 * P);
  lease.free(body);
  t.equal(a.arena.stats().inUse, P, "the body's pages are back");
  t.equal(lease.bytes, 4 * P, 'the reservation stays');
  lease.free(body);
  t.equal(a.arena.stats().inUse, P, 'a second free is ignored');
  const foreign = a.arena.alloc(P)!;
  lease.free(foreign);
  t.equal(a.arena.stats().inUse, 2 * P, "another owner's region is not freed");
  a.arena.free(foreign);
  const again = lease.alloc(2 * P);
  t.equal(again.offset, body.offset, 'the freed pages are reused');
  t.equal(lease.bytes, 4 * P, 'the freed bytes count as room again: no growth');
  lease.release();
  t.equal(a.arena.stats().inUse, 0, 'release frees the rest');
  idle(t, a, 'released');
});

t.test('shrink() lowers the reservation, never below what the regions hold', async (t) => {
  const a = admission(2, 8 * MiB, 16 * P);
  const lease = a.reserve(10 * P);
  lease.alloc(3 * P);
  lease.shrink(12 * P);
  t.equal(lease.bytes, 10 * P, 'never raised');
  lease.shrink(5 * P);
  t.equal(lease.bytes, 5 * P);
  t.equal(a.reservedBytes, 5 * P);
  lease.shrink(P);
  t.equal(lease.bytes, 3 * P, 'floored at the allocated bytes');
  t.equal(a.reservedBytes, 3 * P);
  lease.shrink(0);
  t.equal(lease.bytes, 3 * P);
  const small = a.reserve(100);
  small.alloc(1);
  small.shrink(0);
  t.equal(small.bytes, 1, 'bytes asked for, not pages');
  t.equal(a.reservedBytes, 3 * P + 1);
  lease.release();
  small.release();
  idle(t, a, 'released');
});

t.test('hold() keeps memory and the slot until the work settles, even after release()', async (t) => {
  for (const outcome of ['resolve', 'reject'] as const) {
    const a = admission(2, 8 * MiB, 16 * P);
    const lease = a.reserve(MiB);
    lease.enter();
    lease.alloc(2 * P);
    let finish!: () => void;
    let fail!: (e: Error) => void;
    lease.hold(new Promise<void>((resolve, reject) => ((finish = resolve), (fail = reject))));
    let finishSecond!: () => void;
    lease.hold(new Promise<void>((resolve) => (finishSecond = resolve)));
    lease.release();
    await settle();
    t.same(
      { reservedBytes: a.reservedBytes, leases: a.leases, inFlight: a.inFlight, arenaInUse: a.arena.stats().inUse },
      { reservedBytes: MiB, leases: 1, inFlight: 1, arenaInUse: 2 * P },
      `${outcome}: everything held while work runs`,
    );
    if (outcome === 'resolve') finish();
    else fail(new Error('worker failed'));
    await settle();
    t.equal(a.leases, 1, `${outcome}: still held while the second piece of work runs`);
    t.equal(a.inFlight, 1);
    finishSecond();
    await settle();
    idle(t, a, `${outcome}: given back once all work settled`);
  }
});

t.test('release() twice is harmless; work held after the end changes nothing', async (t) => {
  const a = admission(2, 8 * MiB, 16 * P);
  const lease = a.reserve(MiB);
  lease.enter();
  lease.alloc(P);
  const other = a.reserve(MiB);
  other.enter();
  lease.release();
  lease.release();
  t.equal(a.leases, 1, 'counted once');
  t.equal(a.inFlight, 1);
  t.equal(a.reservedBytes, MiB);
  lease.hold(Promise.resolve());
  await settle();
  t.equal(a.leases, 1, 'a hold after the end does not end it again');
  t.equal(a.reservedBytes, MiB);
  other.release();
  idle(t, a, 'released');
});

t.test('after a mix of everything, nothing is left', async (t) => {
  const a = admission(3, 32 * P, 32 * P);
  const leases = [a.reserve(4 * P), a.reserve(2 * P), a.reserve(P)];
  const pending: Array<() => void> = [];
  for (const [i, lease] of leases.entries()) {
    lease.enter();
    const region = lease.alloc((i + 1) * P);
    lease.alloc(P + 1);
    if (i === 1) lease.free(region);
    lease.shrink(0);
    lease.hold(new Promise<void>((resolve) => pending.push(resolve)));
    if (i === 2) lease.cancel();
    lease.release();
  }
  t.equal(a.leases, 3);
  for (const resolve of pending) resolve();
  await settle();
  idle(t, a, 'all back');
});

t.test('memoryFull: the free budget is under max(1 MiB, budget / 64)', async (t) => {
  const big = admission(4, 128 * MiB, P);
  t.notOk(big.memoryFull, 'empty');
  const l1 = big.reserve(126 * MiB);
  t.notOk(big.memoryFull, 'exactly 2 MiB (budget/64) free is not full');
  const l2 = big.reserve(1);
  t.ok(big.memoryFull, 'one byte less is');
  l2.release();
  t.notOk(big.memoryFull);
  l1.release();

  const small = admission(4, 16 * MiB, P);
  const s1 = small.reserve(15 * MiB);
  t.notOk(small.memoryFull, 'exactly 1 MiB free is not full (budget/64 is less than 1 MiB)');
  const s2 = small.reserve(1);
  t.ok(small.memoryFull);
  s1.release();
  s2.release();
  t.notOk(small.memoryFull);

  const tiny = admission(4, MiB / 2, P);
  t.ok(tiny.memoryFull, 'a budget under 1 MiB is always full');
});

t.test('misuse that could hurt another request is harmless', async (t) => {
  const a = admission(1);
  const first = a.reserve(P);
  first.enter();
  const calls: string[] = [];
  const removeA = first.onCancel(() => calls.push('a'));
  first.onCancel(() => calls.push('b'));
  removeA();
  removeA();
  first.release();
  // The slot is now the next request's: cancelling the ended lease must not raise its flag.
  const second = a.reserve(P);
  const slot = second.enter();
  first.cancel();
  t.equal(Atomics.load(a.flags, slot), 0, "an ended lease's cancel leaves the slot's new owner alone");
  t.same(calls, [], 'and calls nothing');
  second.cancel();
  second.release();
  const third = a.reserve(P);
  const before = a.reservedBytes;
  apiError(t, () => third.alloc(64 * P)); // larger than the arena
  t.equal(a.reservedBytes, before, 'a failed alloc keeps no reservation');
  third.release();
  idle(t, a, 'nothing left');
});

t.test('a removed cancel listener leaves the others in place, however often it is removed', async (t) => {
  const a = admission(1);
  const lease = a.reserve(P);
  const calls: string[] = [];
  const removeA = lease.onCancel(() => calls.push('a'));
  lease.onCancel(() => calls.push('b'));
  removeA();
  removeA();
  lease.cancel();
  t.same(calls, ['b']);
  lease.release();
});
