import type { LevelName, LogRecord } from '@pulselog/shared';
import type { ViewModel } from './view.js';

const LEVELS: LevelName[] = ['debug', 'info', 'info', 'warning', 'error'];

/**
 * Records `from..from+count-1` of a made-up request log, for the view and
 * eviction tests: levels, a `status` that is 503 every 50th, `user_id`,
 * `service` on every 4th, the `web` tag on every 3rd, and a divider every
 * `dividerEvery`th record when given.
 */
export function requestRecords(from: number, count: number, dividerEvery?: number): LogRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const k = from + i;
    const record: LogRecord = {
      seq: k,
      ts: 1_000_000 + k * 10,
      level: LEVELS[k % 5] as LevelName,
      msg: `Request ${k} done`,
      fields: { status: k % 50 === 0 ? 503 : 200, user_id: k % 1000 },
    };
    if (k % 4 === 0 && record.fields) record.fields.service = k % 8 === 0 ? 'api' : 'web';
    if (dividerEvery !== undefined && k % dividerEvery === 0) record.kind = 'divider';
    if (k % 3 === 0) record.tag = 'web';
    return record;
  });
}

/** The `seq` of each row a view shows, top to bottom. */
export function rowSeqs(view: ViewModel): number[] {
  return Array.from({ length: view.length }, (_, row) => view.session.record(view.recordIndex(row))?.seq ?? -1);
}
