/** A range of records the logger dropped before they reached the hub, or passed the hub over for. */
export interface Drop {
  /** First sequence number of the range. */
  from: number;
  /** Last sequence number of the range. */
  to: number;
  /** Records of the range that are missing; the others arrive as usual. */
  count: number;
  /** `skipped`: the records went to the session file but not to the hub, which was too far behind. */
  reason?: 'skipped';
}

/** Drop notes kept at most; older neighbours are merged beyond it so memory stays bounded. */
const MAX_DROPS = 4096;

/**
 * The drops the logger reported, in ascending order, so that a client that
 * connects late or falls behind still learns of them at the right place in
 * the stream. Entries are addressed by an absolute index that never goes
 * back, which is what each client keeps as its cursor.
 */
export class DropLog {
  private entries: Drop[] = [];
  /** Absolute index of `entries[0]`. */
  private base = 0;
  /** Records dropped in total, whether or not their notes are still held (skipped ones not included). */
  total = 0;
  /** Records skipped in total: passed over for the hub, though in the session file. */
  skipped = 0;

  /** Absolute index one past the newest note. */
  get end(): number {
    return this.base + this.entries.length;
  }

  /** Notes a dropped range; ranges arrive in ascending order. */
  add(drop: Drop): void {
    if (drop.reason === undefined) this.total += drop.count;
    else this.skipped += drop.count;
    this.entries.push(drop);
    if (this.entries.length > MAX_DROPS) {
      // Merging the two oldest keeps every missing record covered, only less precisely.
      const [a, b] = this.entries.splice(0, 2) as [Drop, Drop];
      const merged: Drop = { from: a.from, to: b.to, count: a.count + b.count };
      if (a.reason === 'skipped' && b.reason === 'skipped') merged.reason = 'skipped';
      this.entries.unshift(merged);
      this.base++;
    }
  }

  /** Forgets notes wholly inside an evicted range: readers get that range as one `evicted` gap instead. */
  forget(throughSeq: number): void {
    let n = 0;
    while (n < this.entries.length && (this.entries[n] as Drop).to <= throughSeq) n++;
    if (n > 0) {
      this.entries = this.entries.slice(n);
      this.base += n;
    }
  }

  /** Absolute index of the first note a reader holding records up to `seq` may not have seen. */
  indexAfter(seq: number): number {
    let i = 0;
    while (i < this.entries.length && (this.entries[i] as Drop).to <= seq) i++;
    return this.base + i;
  }

  /**
   * Notes from absolute index `from` that a reader holding every record up
   * to `seq` should get now: those starting at or before `seq + 1`. A
   * range no record of which will still come (`noneWillCome`) leaves the reader
   * at its end. Returns them with the index to continue from.
   */
  due(from: number, seq: number): { drops: Drop[]; next: number } {
    const drops: Drop[] = [];
    let i = Math.max(from, this.base);
    let at = seq;
    while (i < this.end) {
      const drop = this.entries[i - this.base] as Drop;
      if (drop.from > at + 1) break;
      drops.push(drop);
      if (noneWillCome(drop)) at = Math.max(at, drop.to);
      i++;
    }
    return { drops, next: i };
  }
}

/**
 * True when no record of `drop`'s range will come: it was skipped (the
 * records went to the session file only), or dropped whole (every seq of it
 * is missing, as when the pipeline thread died). A reader then stands at its end.
 */
export function noneWillCome(drop: Drop): boolean {
  return drop.reason === 'skipped' || drop.count === drop.to - drop.from + 1;
}
