/** Longest string value given a number; longer ones are read from the record. */
export const MAX_INTERNED_LENGTH = 200;
/** Most distinct string values numbered; later ones are read from the record. */
export const MAX_INTERNED = 65_536;

/**
 * Short string values numbered once, so a column can hold a string field as
 * a number: log fields such as `service`, `method` or a tag take a few
 * distinct values over millions of records, and a filter on them then tests
 * each distinct value once instead of parsing every record.
 */
export class StringTable {
  private readonly ids = new Map<string, number>();
  private readonly values: string[] = [];

  /** The number of `value`, or -1 when it is too long or the table is full. */
  id(value: string): number {
    const known = this.ids.get(value);
    if (known !== undefined) return known;
    if (value.length > MAX_INTERNED_LENGTH || this.values.length >= MAX_INTERNED) return -1;
    const id = this.values.length;
    this.values.push(value);
    this.ids.set(value, id);
    return id;
  }

  /** Strings numbered so far; every id is below it. */
  get size(): number {
    return this.values.length;
  }

  /** The string numbered `id`. */
  get(id: number): string {
    return this.values[id] as string;
  }
}

/** The page's one table: ids stay valid across sessions, and it is bounded. */
export const FIELD_STRINGS = new StringTable();

/**
 * A test of string values by number, remembering each outcome: over a million
 * records a filter calls `test` once per distinct value.
 */
export function memoByString(test: (value: string) => boolean): (id: number) => boolean {
  const known = new Uint8Array(MAX_INTERNED);
  return (id) => {
    let outcome = known[id] as number;
    if (outcome === 0) {
      outcome = test(FIELD_STRINGS.get(id)) ? 1 : 2;
      known[id] = outcome;
    }
    return outcome === 1;
  };
}
