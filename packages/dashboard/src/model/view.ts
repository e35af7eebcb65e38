import { batch, effect, signal } from '@preact/signals';
import type { LogRecord } from '@pulselog/shared';
import {
  ALL,
  type CompiledFilter,
  compileFilter,
  DIVIDER_CODE,
  type FilterState,
  type QueryError,
} from '@pulselog/shared/query';

import { FIELD_ABSENT, FIELD_NUMBER, FIELD_OTHER, FIELD_STRING } from '../core/pack.js';
import { queryValue, refineQuery, type Scalar } from '../core/refine.js';
import { memoByString } from '../core/strings.js';
import type { SessionModel } from './session.js';

/** A request to the list to bring a row into view; `nonce` makes repeated requests distinct. */
export interface ScrollRequest {
  row: number;
  align: 'top' | 'center' | 'reveal' | 'bottom';
  nonce: number;
}

/**
 * What the logs view shows of a session: the filter, the rows that pass it
 * (indices into the session's records, grown in place as records arrive),
 * the selection, and whether the list follows the tail.
 */
export class ViewModel {
  readonly filter = signal<FilterState>(ALL);
  /** Changes whenever `rows` or `length` change. */
  readonly version = signal(0);
  readonly follow = signal(true);
  /** Rows that arrived since the user stopped following the tail. */
  readonly newRows = signal(0);
  /** Sequence number of the selected record. */
  readonly selected = signal<number | undefined>(undefined);
  readonly detailOpen = signal(false);
  readonly scrollRequest = signal<ScrollRequest | undefined>(undefined);
  /** Rows the list shows, `[first, end)`, for the timeline. */
  readonly visible = signal<readonly [number, number]>([0, 0]);
  /** Set while the list shows the context of a record found by a filter: the record, and the filter to go back to. */
  readonly context = signal<{ seq: number; source: string; back: FilterState } | undefined>(undefined);
  /** Milliseconds the last full filter pass took. */
  readonly lastFilterMs = signal(0);
  /**
   * Rows taken off the top of the list since the view was made, as the
   * session evicted its oldest records: a list scrolled up moves its
   * position by as many rows, so the rows in view stay the same records.
   */
  readonly shifted = signal(0);
  private compiled: CompiledFilter = compileFilter(ALL);
  private rows = new Uint32Array(1024);
  private count = 0;
  private scanned = 0;
  /**
   * A divider that passed and waits for a record of its own to pass after it,
   * or -1: without search terms, a divider passes every level and field
   * filter, and shown alone it would stack above the one record a filter finds.
   */
  private pendingDivider = -1;
  /** The search terms, rarest first. */
  private termOrder: string[] = [];
  private generation = -1;
  private seenCount = 0;
  private nonce = 0;
  private readonly dispose: () => void;
  private readonly stopEvicted: () => void;

  constructor(readonly session: SessionModel) {
    let lastFilter: FilterState | undefined;
    this.stopEvicted = session.onEvict((count) => this.evicted(count));
    this.dispose = effect(() => {
      const filter = this.filter.value;
      session.version.value;
      if (filter !== lastFilter) {
        lastFilter = filter;
        this.refilter(filter);
      } else this.extend();
    });
  }

  /** Rows passing the filter. */
  get length(): number {
    return this.compiled.all ? this.session.size : this.count;
  }

  /** The rows shown, as a facet or chart pass reads them. */
  shownRows(): { length: number; rows: Uint32Array | undefined } {
    return this.compiled.all ? { length: this.session.size, rows: undefined } : { length: this.count, rows: this.rows };
  }

  /** Index into the session's records of row `row`. */
  recordIndex(row: number): number {
    return this.compiled.all ? row : (this.rows[row] ?? 0);
  }

  /** The parsed search terms, for highlighting. */
  get terms(): readonly string[] {
    return this.compiled.query.marks;
  }

  /** What is wrong with the query typed, if it cannot be read. */
  get queryError(): QueryError | undefined {
    return this.compiled.query.error;
  }

  /** Row showing the record with sequence number `seq` (or the nearest after it). */
  rowOfSeq(seq: number): number {
    const index = this.session.indexOfSeq(seq);
    if (this.compiled.all) return index;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.rows[mid] ?? 0) < index) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Asks the list to scroll so `row` shows. */
  scrollTo(row: number, align: ScrollRequest['align'] = 'reveal'): void {
    this.scrollRequest.value = { row: Math.max(0, Math.min(row, this.length - 1)), align, nonce: ++this.nonce };
  }

  /** Starts or stops following the tail. */
  setFollow(on: boolean): void {
    if (on === this.follow.value) return;
    batch(() => {
      this.follow.value = on;
      this.seenCount = this.length;
      this.newRows.value = 0;
      if (on) this.scrollTo(this.length - 1, 'bottom');
    });
  }

  /** Selects the record of row `row` and scrolls it into view. */
  select(row: number): void {
    if (this.length === 0) return;
    const clamped = Math.max(0, Math.min(row, this.length - 1));
    const index = this.recordIndex(clamped);
    if (index >= this.session.size) return;
    const seq = this.session.store.seqs[index] as number;
    batch(() => {
      this.selected.value = seq;
      if (clamped < this.length - 1) this.setFollow(false);
      this.scrollTo(clamped);
    });
  }

  /** Row of the selection, or -1. */
  selectedRow(): number {
    const seq = this.selected.value;
    if (seq === undefined) return -1;
    const row = this.rowOfSeq(seq);
    const index = this.recordIndex(row);
    return row < this.length && this.session.store.seqs[index] === seq ? row : -1;
  }

  /** Adds `key=value` to the query (`-key=value` when `exclude`): click-to-filter. */
  refine(key: string, value: Scalar, exclude = false): void {
    const filter = this.filter.peek();
    this.filter.value = { ...filter, query: refineQuery(filter.query, key, value, exclude) };
  }

  /** Shows every record of one trace (`trace:ID`) or span (`span:ID`), whatever the filter was: a trace crosses tags and levels. */
  filterTo(key: 'trace' | 'span', id: string): void {
    this.context.value = undefined;
    this.filter.value = { levels: ALL.levels, query: `${key}:${queryValue(id)}` };
  }

  /** True when some filter hides records, so a record's context would show more. */
  get filtered(): boolean {
    return !this.compiled.all;
  }

  /**
   * Shows the records around record `seq` in the unfiltered stream of its
   * source (its tag, or the records without one), with it selected in the
   * middle of the list; `leaveContext` goes back to the filter.
   */
  showContext(seq: number): void {
    const record = this.session.record(this.session.indexOfSeq(seq));
    if (!record || record.seq !== seq) return;
    const back = this.context.peek()?.back ?? this.filter.peek();
    const query = record.tag === undefined ? 'NOT tag:*' : refineQuery('', 'tag', record.tag);
    this.context.value = { seq, source: record.tag ?? '(no tag)', back };
    // Set outside a batch: the rows are filtered anew at once, so the record's row is known below.
    this.filter.value = { levels: ALL.levels, query };
    this.reveal(seq);
  }

  /** Goes back from a record's context to the filter that found it, the record still selected. */
  leaveContext(): void {
    const context = this.context.peek();
    if (!context) return;
    this.context.value = undefined;
    this.filter.value = context.back;
    this.reveal(context.seq);
  }

  /** Selects record `seq` and scrolls it to the middle of the list, without following the tail. */
  private reveal(seq: number): void {
    const row = this.rowOfSeq(seq);
    batch(() => {
      this.selected.value = seq;
      this.setFollow(false);
      this.scrollRequest.value = { row, align: 'center', nonce: ++this.nonce };
    });
  }

  /** Stops listening to the session. */
  close(): void {
    this.dispose();
    this.stopEvicted();
  }

  /**
   * The session's oldest `count` records were evicted: rows pointing at them
   * go, the rest point `count` records lower. Called at once, before any new
   * record is appended, so no row ever points at the wrong record.
   */
  private evicted(count: number): void {
    if (this.generation !== this.session.generation) return;
    let gone: number;
    // Every record is a row: all rows move down by `count`.
    if (this.compiled.all) gone = count;
    else {
      let lo = 0;
      let hi = this.count;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((this.rows[mid] as number) < count) lo = mid + 1;
        else hi = mid;
      }
      gone = lo;
      const rows = this.rows;
      rows.copyWithin(0, gone, this.count);
      this.count -= gone;
      for (let r = 0; r < this.count; r++) rows[r] = (rows[r] as number) - count;
      this.pendingDivider = this.pendingDivider >= count ? this.pendingDivider - count : -1;
    }
    this.scanned = Math.max(0, this.scanned - count);
    this.seenCount = Math.max(0, this.seenCount - gone);
    if (gone === 0) return;
    batch(() => {
      this.shifted.value = this.shifted.peek() + gone;
      this.version.value = this.version.peek() + 1;
    });
  }

  private push(index: number): void {
    if (this.count === this.rows.length) {
      const grown = new Uint32Array(this.rows.length * 2);
      grown.set(this.rows);
      this.rows = grown;
    }
    this.rows[this.count++] = index;
  }

  /** Adds a record that passed; a divider waits until a record after it passes too (`pendingDivider`). */
  private take(index: number, holdDividers: boolean): void {
    if (holdDividers && this.session.store.levelCodes[index] === DIVIDER_CODE) {
      this.pendingDivider = index;
      return;
    }
    if (this.pendingDivider >= 0) this.push(this.pendingDivider);
    this.pendingDivider = -1;
    this.push(index);
  }

  private scan(from: number): void {
    const store = this.session.store;
    const compiled = this.compiled;
    const end = store.size;
    const [primary, ...others] = this.termOrder;
    if (compiled.all) {
      // Every record passes: rows map straight onto records.
    } else {
      const passes = this.baseTest();
      if (primary !== undefined) {
        // Only records holding the rarest term are looked at further.
        const texts = store.texts;
        texts.search(primary, from, (hit) => {
          if (hit >= end) return;
          if (passes && !passes(hit)) return;
          if (others.length > 0) {
            const haystack = texts.get(hit);
            for (const term of others) if (!haystack.includes(term)) return;
          }
          // A divider found by a search term is what was searched for: it shows.
          this.take(hit, false);
        });
      } else if (passes) {
        for (let i = from; i < end; i++) if (passes(i)) this.take(i, true);
      }
    }
    this.scanned = end;
  }

  /**
   * A test of record `i` against the levels, the time range and the field
   * conditions, or `undefined` when every record passes them. Levels, times
   * and top-level fields come from columns; a record is parsed only where a
   * condition needs more than a column holds.
   */
  private baseTest(): ((i: number) => boolean) | undefined {
    const compiled = this.compiled;
    if (compiled.baseAll) return undefined;
    const { levelCodes, times, fields } = this.session.store;
    const store = this.session.store;
    const { levelPass, from: t0, to: t1, conditionList, rest } = compiled;
    const texts = store.texts;
    const checks = conditionList.map((cond) => ({
      test: cond.test,
      numeric: cond.numeric?.test,
      string: cond.string ? memoByString(cond.string) : undefined,
      absent: cond.absent,
      column: cond.key === undefined ? undefined : fields.get(cond.key),
    }));
    return (i) => {
      if (levelPass[levelCodes[i] as number] === 0) return false;
      const t = times[i] as number;
      if (t < t0 || t > t1) return false;
      for (const check of checks) {
        const column = check.column;
        const kind = column ? (column.kinds[i] as number) : FIELD_OTHER;
        let ok: boolean;
        if (kind === FIELD_NUMBER && check.numeric) ok = check.numeric(column?.values[i] as number);
        else if (kind === FIELD_STRING && check.string) ok = check.string(column?.values[i] as number);
        else if (kind === FIELD_ABSENT && check.absent !== undefined) ok = check.absent;
        else ok = check.test(store.parse(i) as LogRecord);
        if (!ok) return false;
      }
      if (rest) {
        let record: LogRecord | undefined;
        return rest({ record: () => (record ??= store.parse(i) as LogRecord), text: () => texts.get(i) });
      }
      return true;
    };
  }

  private refilter(filter: FilterState): void {
    const started = performance.now();
    // `since:` counts back from now in a live session, from its last record in one that ended.
    const session = this.session;
    const now = session.source === 'live' && !session.ended.peek() ? Date.now() : session.seconds.last;
    this.compiled = compileFilter(filter, Number.isFinite(now) ? now : Date.now());
    const terms = this.compiled.query.terms;
    const texts = this.session.store.texts;
    this.termOrder = terms
      .map((term) => ({ term, hits: texts.sample(term) }))
      .sort((a, b) => a.hits - b.hits)
      .map((t) => t.term);
    this.generation = this.session.generation;
    this.count = 0;
    this.scanned = 0;
    this.pendingDivider = -1;
    this.scan(0);
    batch(() => {
      this.lastFilterMs.value = performance.now() - started;
      this.seenCount = this.length;
      this.newRows.value = 0;
      this.version.value = this.version.peek() + 1;
    });
  }

  private extend(): void {
    if (this.session.generation !== this.generation) {
      this.refilter(this.filter.value);
      return;
    }
    this.scan(this.scanned);
    batch(() => {
      if (!this.follow.peek()) this.newRows.value = Math.max(0, this.length - this.seenCount);
      this.version.value = this.version.peek() + 1;
    });
  }
}
