import type { LogRecord } from '@pulselog/shared';

/** Most fields given a column; conditions on others read the records. */
export const MAX_COLUMNS = 16;

/**
 * Numbers of top-level fields laid out as columns, one `Float64Array` per
 * field name (`NaN` where a record has no number there). A field gets its
 * column the first time a filter asks for it, and the column then keeps up
 * with arriving records, so later filters on it scan a flat array instead of
 * a million objects.
 */
export class NumericColumns {
  private readonly columns = new Map<string, { values: Float64Array; filled: number }>();

  /** Drops every column. */
  clear(): void {
    this.columns.clear();
  }

  /**
   * The column of `key` filled for `records[0..records.length)`, or
   * `undefined` when the column limit is reached.
   */
  get(key: string, records: readonly LogRecord[]): Float64Array | undefined {
    let column = this.columns.get(key);
    if (!column) {
      if (this.columns.size >= MAX_COLUMNS) return undefined;
      column = { values: new Float64Array(Math.max(1024, records.length)), filled: 0 };
      this.columns.set(key, column);
    }
    const end = records.length;
    if (end > column.values.length) {
      const grown = new Float64Array(Math.max(end, column.values.length * 2));
      grown.set(column.values.subarray(0, column.filled));
      column.values = grown;
    }
    const values = column.values;
    for (let i = column.filled; i < end; i++) {
      const fields = (records[i] as LogRecord).fields;
      const value = fields && Object.hasOwn(fields, key) ? fields[key] : undefined;
      values[i] = typeof value === 'number' ? value : Number.NaN;
    }
    column.filled = end;
    return values;
  }
}
