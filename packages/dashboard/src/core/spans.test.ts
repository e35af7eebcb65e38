import type { LogRecord } from '@pulselog/shared';
import { describe, expect, it } from 'vitest';
import { packRecords } from './pack.js';
import { RecordStore } from './records.js';
import { anomalyMarks, spanHistory } from './spans.js';

/** Spans among records with so many other fields that `span`, `duration_ms` and `anomaly` get no column. */
function crowded(): RecordStore {
  const wide: Record<string, number> = {};
  for (let k = 0; k < 20; k++) wide[`k${k}`] = k;
  const records: LogRecord[] = [{ seq: 1, ts: 1000, level: 'info', msg: 'wide', fields: wide }];
  for (let i = 0; i < 30; i++) {
    const slow = i === 25;
    records.push({
      seq: records.length + 1,
      ts: 2000 + i,
      level: slow ? 'warning' : 'info',
      msg: 'fetch',
      fields: {
        span: 'fetch',
        duration_ms: slow ? 500 : 10,
        ...(slow ? { anomaly: '500 ms, 50x the median of 25 calls' } : {}),
      },
    });
  }
  records.push({ seq: records.length + 1, ts: 3000, level: 'warning', msg: 'not a span', fields: { k: 1 } });
  const store = new RecordStore();
  store.append(packRecords(records));
  return store;
}

describe('spans in the store', () => {
  it('finds anomalies and a span history even where their fields have no column', () => {
    const store = crowded();
    expect(store.fields.get('anomaly')).toBeUndefined();
    expect(anomalyMarks(store)).toEqual([{ seq: 27, ts: 2025 }]);
    const history = spanHistory(store, 'fetch');
    expect(history).toHaveLength(30);
    expect(history.filter((p) => p.anomaly).map((p) => p.ms)).toEqual([500]);
  });
});
