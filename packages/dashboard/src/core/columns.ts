import { grown } from './grow.js';
import { FIELD_ABSENT, FIELD_OTHER, type PackedRecords } from './pack.js';

/** Most fields given a column; conditions on others read the records. */
export const MAX_COLUMNS = 16;

/** One top-level field of every record held, as laid out by `FieldColumns`. */
export interface Column {
  /** The field's number in each record (`NaN` where it holds none). */
  values: Float64Array;
  /** `FIELD_ABSENT`, `FIELD_NUMBER` or `FIELD_OTHER` for each record (see `pack.ts`). */
  kinds: Uint8Array;
}

interface Growing extends Column {
  filled: number;
}

/**
 * Top-level fields of every record laid out as columns, one per field name
 * (up to `MAX_COLUMNS`), filled from packed runs as they arrive. A filter on
 * a field with a column scans flat arrays and reads a record only where the
 * field holds something other than a number.
 */
export class FieldColumns {
  private readonly columns = new Map<string, Growing>();
  /** Records laid out so far. */
  private size = 0;
  /** True while every run so far had a column for each of its fields. */
  private allLaidOut = true;
  /** Most records a column is grown to hold (see `RecordStore.limit`). */
  limit = Number.POSITIVE_INFINITY;

  /** Drops every column. */
  clear(): void {
    this.columns.clear();
    this.size = 0;
    this.allLaidOut = true;
  }

  /** True while every field of every record held has a column: a field without one is then in no record. */
  get complete(): boolean {
    return this.allLaidOut;
  }

  /** The keys that have a column, in the order they first came. */
  keys(): string[] {
    return [...this.columns.keys()];
  }

  /** The column of `key` for records `0..size-1`, or `undefined` when it has none. */
  get(key: string): Column | undefined {
    return this.columns.get(key);
  }

  /** Lays out the fields of the next `packed.count` records. */
  append(packed: PackedRecords): void {
    const start = this.size;
    const end = start + packed.count;
    for (const field of packed.fields) {
      let column = this.columns.get(field.key);
      if (!column) {
        if (this.columns.size >= MAX_COLUMNS) continue;
        column = this.create(start);
        this.columns.set(field.key, column);
      }
      this.reserve(column, end);
      column.values.set(field.values, start);
      column.kinds.set(field.kinds, start);
      column.filled = end;
    }
    for (const column of this.columns.values()) {
      if (column.filled === end) continue;
      // Not in this run: absent, unless the run left some fields out, in which case only the record knows.
      this.reserve(column, end);
      column.values.fill(Number.NaN, start, end);
      column.kinds.fill(packed.fieldsComplete ? FIELD_ABSENT : FIELD_OTHER, start, end);
      column.filled = end;
    }
    this.allLaidOut &&= packed.fieldsComplete;
    this.size = end;
  }

  /** Forgets the oldest `count` records of every column: record `count` becomes record 0. */
  evict(count: number): void {
    const k = Math.min(count, this.size);
    if (k <= 0) return;
    for (const column of this.columns.values()) {
      column.values.copyWithin(0, k, column.filled);
      column.kinds.copyWithin(0, k, column.filled);
      column.filled -= k;
    }
    this.size -= k;
  }

  /**
   * Grows one column shorter than `want` entries to `size`; returns true
   * when there was one (see `RecordStore.prepare`).
   */
  prepare(want: number, size: number, used: number): boolean {
    for (const column of this.columns.values()) {
      if (column.values.length >= want) continue;
      column.values = grown(column.values, size, used, Float64Array);
      column.kinds = grown(column.kinds, size, used, Uint8Array);
      return true;
    }
    return false;
  }

  private create(start: number): Growing {
    const length = Math.max(start, Math.min(Math.max(1024, start * 2), this.limit));
    const column = { values: new Float64Array(length), kinds: new Uint8Array(length), filled: start };
    // Records before the field first came: absent, unless a run may have left it out.
    column.values.fill(Number.NaN, 0, start);
    column.kinds.fill(this.allLaidOut ? FIELD_ABSENT : FIELD_OTHER, 0, start);
    return column;
  }

  private reserve(column: Growing, end: number): void {
    if (end <= column.values.length) return;
    const length = Math.max(end, Math.min(column.values.length * 2, this.limit));
    column.values = grown(column.values, length, column.filled, Float64Array);
    column.kinds = grown(column.kinds, length, column.filled, Uint8Array);
  }
}
