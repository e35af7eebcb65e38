import type { LogRecord } from '@pulselog/shared';
import { describe, expect, it } from 'vitest';
import { decodeServerMessage } from './decode.js';
import { unpack } from './pack.js';

describe('decodeServerMessage', () => {
  it('packs the records of a batch', () => {
    const records: LogRecord[] = [
      { seq: 1, ts: 1, level: 'info', msg: 'a' },
      { seq: 2, ts: 2, level: 'warning', msg: 'b', fields: { n: 1 } },
    ];
    const decoded = decodeServerMessage(JSON.stringify({ type: 'batch', records }));
    if (!decoded.ok || decoded.value.type !== 'records') throw new Error('not packed');
    expect(decoded.value.packed.count).toBe(2);
    expect(unpack(decoded.value.packed)).toEqual(records);
  });

  it('passes other messages through as they are', () => {
    const end = { type: 'end', reason: 'exit', at: 5, lastSeq: 2 };
    expect(decodeServerMessage(JSON.stringify(end))).toEqual({ ok: true, value: end });
  });

  it('refuses what the protocol refuses', () => {
    const raw = JSON.stringify({ type: 'batch', records: [{ seq: 1, ts: 1, level: 'loud', msg: 'x' }] });
    expect(decodeServerMessage(raw)).toEqual({ ok: false, reason: 'malformed batch' });
    expect(decodeServerMessage('{').ok).toBe(false);
  });
});
