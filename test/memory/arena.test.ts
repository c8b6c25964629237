// The buffer arena: page-aligned first-fit regions, merging on free, high water, misuse detection, and a model check.
import t from 'tap';
import fc from 'fast-check';
import { Arena, MAX_ARENA_BYTES, PAGE_BYTES, type Region } from '../../src/memory/arena.js';

const P = PAGE_BYTES;

/** Every permutation of a short list. */
function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

t.test('constants: a page is 64 KiB; the largest arena is a whole number of pages below 2^32', async (t) => {
  t.equal(PAGE_BYTES, 65536);
  t.equal(MAX_ARENA_BYTES, 2 ** 32 - PAGE_BYTES);
  t.equal(MAX_ARENA_BYTES % PAGE_BYTES, 0);
});

t.test('the size is rounded down to whole pages, at least one', async (t) => {
  t.equal(new Arena(4 * P).stats().size, 4 * P);
  t.equal(new Arena(2.5 * P).stats().size, 2 * P);
  t.equal(new Arena(1).stats().size, P);
  t.equal(new Arena(0).stats().size, P);
  const arena = new Arena(3 * P + 17);
  t.equal(arena.buffer.byteLength, 3 * P);
  t.ok(arena.buffer instanceof SharedArrayBuffer);
  t.same(arena.stats(), { size: 3 * P, inUse: 0, highWater: 0 });
});

t.test('regions are page-aligned and handed out lowest address first', async (t) => {
  const arena = new Arena(8 * P);
  const a = arena.alloc(1)!;
  const b = arena.alloc(P)!;
  const c = arena.alloc(P + 1)!;
  const d = arena.alloc(0)!;
  t.same(a, { offset: 0, bytes: 1, pages: 1 });
  t.same(b, { offset: P, bytes: P, pages: 1 });
  t.same(c, { offset: 2 * P, bytes: P + 1, pages: 2 });
  t.same(d, { offset: 4 * P, bytes: 0, pages: 1 }, 'zero bytes still take one page');
  for (const r of [a, b, c, d]) t.equal(r.offset % P, 0, `offset ${r.offset} is page-aligned`);
  t.equal(arena.stats().inUse, 5 * P, 'inUse counts whole pages');
  arena.free(b);
  t.same(arena.alloc(10), { offset: P, bytes: 10, pages: 1 }, 'the lowest free page is reused');
});

t.test('freeing merges neighbours: after A, B, C are freed in any order the whole arena is one extent', async (t) => {
  for (const order of permutations([0, 1, 2])) {
    const arena = new Arena(3 * P);
    const regions = [arena.alloc(P)!, arena.alloc(P)!, arena.alloc(P)!];
    t.same(regions.map((r) => r.offset), [0, P, 2 * P]);
    t.equal(arena.alloc(1), undefined, 'full');
    for (const i of order) arena.free(regions[i]);
    t.equal(arena.stats().inUse, 0);
    t.same(arena.alloc(3 * P), { offset: 0, bytes: 3 * P, pages: 3 }, `order ${order.map((i) => 'ABC'[i]).join('')}`);
  }
  // B then A: one extent of two pages at 0, while C is still held.
  const arena = new Arena(3 * P);
  const [a, b] = [arena.alloc(P)!, arena.alloc(P)!, arena.alloc(P)!];
  arena.free(b);
  arena.free(a);
  t.same(arena.alloc(2 * P), { offset: 0, bytes: 2 * P, pages: 2 }, 'A and B merged');
});

t.test('high water is the end of the highest page ever handed out and never decreases', async (t) => {
  const arena = new Arena(8 * P);
  t.equal(arena.stats().highWater, 0);
  const a = arena.alloc(P)!;
  t.equal(arena.stats().highWater, P);
  const b = arena.alloc(2 * P)!;
  t.equal(arena.stats().highWater, 3 * P);
  arena.free(b);
  t.equal(arena.stats().highWater, 3 * P, 'unchanged by a free');
  const c = arena.alloc(1)!;
  t.equal(c.offset, P);
  t.equal(arena.stats().highWater, 3 * P, 'unchanged by a lower alloc');
  arena.free(a);
  arena.free(c);
  t.same(arena.stats(), { size: 8 * P, inUse: 0, highWater: 3 * P });
  const d = arena.alloc(5 * P)!;
  t.equal(d.offset, 0);
  t.equal(arena.stats().highWater, 5 * P);
});

t.test('a double free, or freeing a region that was never allocated, throws and changes nothing', async (t) => {
  const arena = new Arena(4 * P);
  const a = arena.alloc(P)!;
  const b = arena.alloc(P)!;
  arena.free(a);
  t.throws(() => arena.free(a), /freed twice or never allocated/, 'double free of a region now merged into nothing');
  arena.free(b);
  t.throws(() => arena.free(b), /freed twice or never allocated/, 'double free after merging with the neighbours');
  t.throws(() => arena.free(a), /freed twice or never allocated/);
  t.throws(() => arena.free({ offset: 2 * P, bytes: 1, pages: 1 }), /freed twice or never allocated/, 'a never-allocated page');
  t.throws(() => arena.free({ offset: 0, bytes: 4 * P, pages: 4 }), /freed twice or never allocated/, 'the whole free arena');
  t.same(arena.stats(), { size: 4 * P, inUse: 0, highWater: 2 * P }, 'nothing changed');
  const c = arena.alloc(2 * P)!;
  t.throws(() => arena.free({ offset: P, bytes: 2 * P, pages: 2 }), /freed twice or never allocated/, 'overlapping a free page');
  t.equal(arena.stats().inUse, 2 * P);
  arena.free(c);
  t.same(arena.alloc(4 * P)?.offset, 0, 'still whole after the refused frees');
});

t.test('alloc returns undefined when no free extent is large enough', async (t) => {
  const arena = new Arena(4 * P);
  t.equal(arena.alloc(4 * P + 1), undefined, 'larger than the arena');
  const regions = [0, 1, 2, 3].map(() => arena.alloc(P)!);
  t.same(regions.map((r) => r.offset), [0, P, 2 * P, 3 * P]);
  arena.free(regions[0]);
  arena.free(regions[2]);
  t.equal(arena.stats().inUse, 2 * P, 'two pages free');
  t.equal(arena.alloc(2 * P), undefined, 'two free pages, but not adjacent');
  t.equal(arena.stats().inUse, 2 * P, 'a failed alloc takes nothing');
  t.same(arena.alloc(P), { offset: 0, bytes: P, pages: 1 }, 'one page fits, at the lowest address');
  arena.free(regions[1]);
  t.same(arena.alloc(2 * P)?.offset, P, 'pages 1 and 2 merged');
});

t.test('bytesOf is a Buffer over the SharedArrayBuffer, without a copy', async (t) => {
  const arena = new Arena(4 * P);
  arena.alloc(P);
  const region = arena.alloc(100)!;
  const bytes = arena.bytesOf(region);
  t.ok(Buffer.isBuffer(bytes));
  t.equal(bytes.buffer, arena.buffer, 'same memory');
  t.equal(bytes.byteOffset, region.offset);
  t.equal(bytes.length, 100);
  bytes[0] = 0xab;
  bytes[99] = 0xcd;
  const all = new Uint8Array(arena.buffer);
  t.equal(all[region.offset], 0xab, 'a write through the Buffer is seen in the arena');
  t.equal(all[region.offset + 99], 0xcd);
  all[region.offset + 1] = 0x42;
  t.equal(bytes[1], 0x42, 'and the other way round');
  const longer = arena.bytesOf(region, 1000);
  t.equal(longer.length, 1000, 'an explicit length');
  t.equal(longer[0], 0xab);
});

type Op = { kind: 'alloc'; bytes: number } | { kind: 'free'; pick: number } | { kind: 'stale'; pick: number };

t.test('model: random allocs and frees against a page map', async (t) => {
  const PAGES = 24;
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: 0, max: 8 * P + 5 }).map((bytes) => ({ kind: 'alloc' as const, bytes })) },
    { weight: 1, arbitrary: fc.constantFrom(P - 1, P, P + 1, 0, 1).map((bytes) => ({ kind: 'alloc' as const, bytes })) },
    { weight: 4, arbitrary: fc.nat().map((pick) => ({ kind: 'free' as const, pick })) },
    { weight: 1, arbitrary: fc.nat().map((pick) => ({ kind: 'stale' as const, pick })) },
  );
  let checkedAllocs = 0;
  let failedAllocs = 0;
  let staleFrees = 0;
  fc.assert(
    fc.property(fc.array(op, { minLength: 1, maxLength: 120, size: 'max' }), (ops) => {
      const arena = new Arena(PAGES * P);
      const used = new Array<boolean>(PAGES).fill(false);
      const live: Region[] = [];
      const freed: Region[] = [];
      let highWater = 0;
      const lowestRun = (k: number): number | undefined => {
        let run = 0;
        for (let p = 0; p < PAGES; p++) {
          run = used[p] ? 0 : run + 1;
          if (run === k) return p - k + 1;
        }
        return undefined;
      };
      for (const o of ops) {
        if (o.kind === 'alloc') {
          const pages = Math.max(1, Math.ceil(o.bytes / P));
          const expected = lowestRun(pages);
          const region = arena.alloc(o.bytes);
          checkedAllocs++;
          if (region === undefined) {
            failedAllocs++;
            if (expected !== undefined) throw new Error(`alloc(${o.bytes}) failed with a free run of ${pages} at page ${expected}`);
          } else {
            if (expected === undefined) throw new Error(`alloc(${o.bytes}) succeeded with no free run of ${pages} pages`);
            if (region.offset !== expected * P) throw new Error(`alloc(${o.bytes}) at ${region.offset / P}, lowest run at ${expected}`);
            if (region.bytes !== o.bytes || region.pages !== pages) throw new Error(`region ${JSON.stringify(region)}`);
            for (let p = expected; p < expected + pages; p++) {
              if (used[p]) throw new Error(`page ${p} handed out twice`);
              used[p] = true;
            }
            live.push(region);
            highWater = Math.max(highWater, expected + pages);
          }
        } else if (o.kind === 'free') {
          if (live.length === 0) continue;
          const [region] = live.splice(o.pick % live.length, 1);
          arena.free(region);
          for (let p = region.offset / P; p < region.offset / P + region.pages; p++) used[p] = false;
          freed.push(region);
        } else {
          // Freeing a region again is detected whenever one of its pages is still free.
          if (freed.length === 0) continue;
          const region = freed[o.pick % freed.length];
          const first = region.offset / P;
          const anyFree = used.slice(first, first + region.pages).some((u) => !u);
          if (!anyFree) continue;
          const before = arena.stats();
          let threw = false;
          try {
            arena.free(region);
          } catch {
            threw = true;
          }
          staleFrees++;
          if (!threw) throw new Error(`double free of ${JSON.stringify(region)} not detected`);
          const after = arena.stats();
          if (after.inUse !== before.inUse) throw new Error('a refused free changed inUse');
        }
        const stats = arena.stats();
        const usedPages = used.filter(Boolean).length;
        if (stats.inUse !== usedPages * P) throw new Error(`inUse ${stats.inUse / P} pages, model ${usedPages}`);
        if (stats.highWater !== highWater * P) throw new Error(`highWater ${stats.highWater / P}, model ${highWater}`);
        if (stats.size !== PAGES * P) throw new Error('size changed');
      }
      // Everything given back: the arena is one extent again.
      for (const region of live) arena.free(region);
      if (arena.stats().inUse !== 0) throw new Error('inUse after freeing everything');
      const whole = arena.alloc(PAGES * P);
      if (whole?.offset !== 0) throw new Error('the arena is not one extent after freeing everything');
    }),
    { seed: 20240611, numRuns: 400 },
  );
  t.ok(checkedAllocs > 5000, `${checkedAllocs} allocs checked`);
  t.ok(failedAllocs > 100, `${failedAllocs} allocs refused for lack of a free run`);
  t.ok(staleFrees > 100, `${staleFrees} double frees detected`);
});

t.test('a region the arena never handed out (past its end, or part of a live one) is refused', async (t) => {
  const arena = new Arena(4 * PAGE_BYTES);
  t.throws(() => arena.free({ offset: 4 * PAGE_BYTES, bytes: PAGE_BYTES, pages: 1 }), /never allocated/, 'past the end');
  const x = arena.alloc(2 * PAGE_BYTES)!;
  t.throws(() => arena.free({ offset: PAGE_BYTES, bytes: PAGE_BYTES, pages: 1 }), /never allocated/, 'the tail of a live region');
  t.throws(() => arena.free({ ...x, pages: 1 }), /never allocated/, 'a live region with another size');
  t.equal(arena.stats().inUse, 2 * PAGE_BYTES, 'nothing changed');
  t.equal(arena.alloc(PAGE_BYTES)!.offset, 2 * PAGE_BYTES, 'the live region is not handed out again');
});

t.test('prefault makes the whole arena resident: its high water is its size, and it still allocates from the bottom', async (t) => {
  const arena = new Arena(8 * PAGE_BYTES);
  arena.prefault();
  t.equal(arena.stats().highWater, 8 * PAGE_BYTES);
  t.equal(arena.alloc(PAGE_BYTES)!.offset, 0);
});
