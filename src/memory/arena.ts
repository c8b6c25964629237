// The arena: one SharedArrayBuffer, made at start and shared with every worker once, carved into regions per request.
//
// Request buffers (binary bodies, large JSON bodies, outputs, JSON answers encoded in a worker) are
// regions of it, so a task names memory by offset and nothing shared crosses the thread boundary per
// request: a SharedArrayBuffer posted to a worker stays alive until that worker collects garbage,
// which binary-only traffic never makes it do. Freed regions are reused lowest address first, so the
// pages already touched serve the next request without page faults, and the resident part of the
// arena is the most that was ever in use at once, never more than its size.

/** Allocation granule: regions start on a page of this size (aligned for every element type). */
export const PAGE_BYTES = 64 * 1024;

/**
 * The largest arena: a Uint8Array over it must stay within V8's typed-array length (2^32 here).
 * A budget above this is still counted in full; only its arena part is capped.
 */
export const MAX_ARENA_BYTES = 2 ** 32 - PAGE_BYTES;

/** A region of the arena: `bytes` asked for, at `offset` (a multiple of PAGE_BYTES). */
export interface Region {
  readonly offset: number;
  readonly bytes: number;
  /** Pages held (bytes rounded up, at least one). */
  readonly pages: number;
}

export interface ArenaStats {
  /** The arena's size in bytes. */
  size: number;
  /** Bytes of the pages held by live regions. */
  inUse: number;
  /** The end of the highest page ever handed out: an upper bound on the arena's resident memory. */
  highWater: number;
}

export class Arena {
  readonly buffer: SharedArrayBuffer;
  readonly #pages: number;
  /** Free extents [first page, page count], sorted by first page, never adjacent (merged on free). */
  readonly #free: Array<[number, number]>;
  /** Live regions: first page -> page count. */
  readonly #live = new Map<number, number>();
  #usedPages = 0;
  #highWaterPages = 0;

  constructor(bytes: number) {
    this.#pages = Math.max(1, Math.floor(Math.min(bytes, MAX_ARENA_BYTES) / PAGE_BYTES));
    // Zero-filled and untouched: the kernel maps its pages in only when they are first written.
    this.buffer = new SharedArrayBuffer(this.#pages * PAGE_BYTES);
    this.#free = [[0, this.#pages]];
  }

  /**
   * Writes every page once, so that all of the arena is resident from now on. Regions are reused
   * lowest address first, yet with requests of many sizes in flight the highest page ever used
   * still creeps up for a while (it cannot pass the arena's size); a service that owns its memory
   * (a container's budget) takes it all at start instead: RSS is flat from then on, and no request
   * ever pays a page fault for its buffers.
   */
  prefault(): void {
    const bytes = new Uint8Array(this.buffer);
    for (let i = 0; i < bytes.length; i += 4096) bytes[i] = 0;
    this.#highWaterPages = this.#pages;
  }

  /** A region of at least `bytes`, lowest address first; undefined when no free extent is large enough. */
  alloc(bytes: number): Region | undefined {
    const pages = Math.max(1, Math.ceil(bytes / PAGE_BYTES));
    for (let i = 0; i < this.#free.length; i++) {
      const extent = this.#free[i];
      if (extent[1] < pages) continue;
      const first = extent[0];
      if (extent[1] === pages) this.#free.splice(i, 1);
      else {
        extent[0] += pages;
        extent[1] -= pages;
      }
      this.#usedPages += pages;
      this.#highWaterPages = Math.max(this.#highWaterPages, first + pages);
      this.#live.set(first, pages);
      return { offset: first * PAGE_BYTES, bytes, pages };
    }
    return undefined;
  }

  /** Gives a region back; its neighbours merge with it. A region must be freed once, as it was handed out. */
  free(region: Region): void {
    const first = region.offset / PAGE_BYTES;
    if (this.#live.get(first) !== region.pages) {
      throw new Error(`arena: region at ${region.offset} (${region.pages} pages) freed twice or never allocated`);
    }
    this.#live.delete(first);
    let i = 0;
    while (i < this.#free.length && this.#free[i][0] < first) i++;
    const before = this.#free[i - 1];
    const after = this.#free[i];
    this.#usedPages -= region.pages;
    if (before && before[0] + before[1] === first) {
      before[1] += region.pages;
      if (after && before[0] + before[1] === after[0]) {
        before[1] += after[1];
        this.#free.splice(i, 1);
      }
    } else if (after && first + region.pages === after[0]) {
      after[0] = first;
      after[1] += region.pages;
    } else {
      this.#free.splice(i, 0, [first, region.pages]);
    }
  }

  /** The region's bytes as a Buffer (no copy). */
  bytesOf(region: Region, length = region.bytes): Buffer {
    return Buffer.from(this.buffer, region.offset, length);
  }

  stats(): ArenaStats {
    return { size: this.#pages * PAGE_BYTES, inUse: this.#usedPages * PAGE_BYTES, highWater: this.#highWaterPages * PAGE_BYTES };
  }
}
