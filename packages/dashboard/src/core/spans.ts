import { LEVEL_NAMES, type LogRecord } from '@pulselog/shared';
import { FIELD_ABSENT, FIELD_NUMBER, FIELD_OTHER, FIELD_STRING } from './pack.js';
import type { RecordStore } from './records.js';
import { FIELD_STRINGS } from './strings.js';

/**
 * Spans as the page reads them back: records written by `log.span` and
 * `log.time` carry `fields.span` (the name), `fields.duration_ms` and, when
 * a call was far slower than the name's history, `fields.anomaly`. Read from
 * the store's field columns, so a scan over a million records touches flat
 * arrays and parses only what it returns.
 */

/** One call of a span. */
export interface SpanPoint {
  seq: number;
  ts: number;
  /** Its duration in milliseconds. */
  ms: number;
  /** True when the call was flagged as far slower than usual. */
  anomaly: boolean;
}

/** A call flagged as an anomaly, for markers on the timeline. */
export interface AnomalyMark {
  seq: number;
  ts: number;
}

/** The name a record's span has, or `undefined` for records that are no span. */
export function spanName(record: LogRecord): string | undefined {
  const name = record.fields?.span;
  return typeof name === 'string' && typeof record.fields?.duration_ms === 'number' ? name : undefined;
}

/**
 * The last `limit` calls of span `name`, oldest first. Records whose span
 * name has no column entry (a long name, a run with many fields) are read
 * whole, so none is missed.
 */
export function spanHistory(store: RecordStore, name: string, limit = 500): SpanPoint[] {
  const names = store.fields.get('span');
  const durations = store.fields.get('duration_ms');
  const anomalies = store.fields.get('anomaly');
  const id = FIELD_STRINGS.id(name);
  const points: SpanPoint[] = [];
  for (let i = store.size - 1; i >= 0 && points.length < limit; i--) {
    const kind = names ? (names.kinds[i] as number) : -1;
    if (kind === FIELD_ABSENT) continue;
    let ms: number;
    let anomaly: boolean;
    if (kind === FIELD_STRING && durations?.kinds[i] === FIELD_NUMBER) {
      if (names?.values[i] !== id) continue;
      ms = durations.values[i] as number;
      anomaly = anomalies !== undefined && anomalies.kinds[i] !== FIELD_ABSENT;
    } else {
      const record = store.get(i);
      if (!record || spanName(record) !== name) continue;
      ms = record.fields?.duration_ms as number;
      anomaly = record.fields?.anomaly !== undefined;
    }
    points.push({ seq: store.seqs[i] as number, ts: store.times[i] as number, ms, anomaly });
  }
  return points.reverse();
}

/** Warnings read whole, at most, when looking for anomalies without a column: the timeline redraws often. */
const MAX_WARNINGS_READ = 2000;

/**
 * The records flagged as anomalies, at most `limit` (the newest), oldest
 * first. Read from the `anomaly` column. Without one there are none, unless
 * the session's fields outnumber the columns: then the newest warnings (an
 * anomaly is one) are read, a bounded number of them.
 */
export function anomalyMarks(store: RecordStore, limit = 500): AnomalyMark[] {
  const column = store.fields.get('anomaly');
  if (!column && store.fields.complete) return [];
  const warning = LEVEL_NAMES.indexOf('warning');
  const marks: AnomalyMark[] = [];
  let read = 0;
  for (let i = store.size - 1; i >= 0 && marks.length < limit; i--) {
    const kind = column ? (column.kinds[i] as number) : FIELD_OTHER;
    if (kind === FIELD_ABSENT || (kind === FIELD_OTHER && store.levelCodes[i] !== warning)) continue;
    if (kind === FIELD_OTHER) {
      // Only the record knows: a run without this column, or a value too long for one.
      if (++read > MAX_WARNINGS_READ) break;
      if (store.get(i)?.fields?.anomaly === undefined) continue;
    }
    marks.push({ seq: store.seqs[i] as number, ts: store.times[i] as number });
  }
  return marks.reverse();
}
