import type { OutputStatus } from '@pulselog/shared';
import { describe, expect, it } from 'vitest';
import { compactCount, summarizeOutput } from './outputs.js';

const base: OutputStatus = { name: 'otlp', written: 0, failed: 0, dropped: 0, backlog: 0, errors: 0 };

describe('summarizeOutput', () => {
  it('shows a delivering output by what its backend acknowledged', () => {
    const s = summarizeOutput({ ...base, written: 5000, sent: 4990, retrying: 0, spooled: 0, rejected: 0, retries: 0 });
    expect(s).toMatchObject({ state: 'ok', text: '4.9k sent' });
    expect(s.title).toContain('sent: 4990');
  });

  it('shows a plug-in output, which reports no sent count, by what it took', () => {
    expect(summarizeOutput({ ...base, name: 'file', written: 12 })).toMatchObject({ state: 'ok', text: '12 written' });
  });

  it('shows records waiting for a retry and in the spool, with the last error clipped, whole in the title', () => {
    const error = 'HTTP 503 Service Unavailable: the collector is restarting, try again in a few seconds';
    const s = summarizeOutput({ ...base, sent: 100, retrying: 300, spooled: 250, retries: 4, lastError: error });
    expect(s.state).toBe('retrying');
    expect(s.text).toBe('100 sent · 300 retrying · 250 spooled · HTTP 503 Service Unavailable: the collector is…');
    expect(s.title).toContain(`last error: ${error}`);
    expect(s.title).toContain('retries: 4');
  });

  it('calls an output that dropped or failed records losing, whatever else it does', () => {
    const s = summarizeOutput({ ...base, sent: 10, retrying: 5, dropped: 7, failed: 2, rejected: 2, lastError: '400' });
    expect(s.state).toBe('losing');
    expect(s.text).toBe('10 sent · 5 retrying · 7 dropped · 2 failed · 400');
    expect(s.title).toContain('refused by the backend: 2');
  });

  it('counts losses exactly, where other counts are shortened', () => {
    const s = summarizeOutput({ ...base, sent: 12_345, dropped: 1024, failed: 20_001 });
    expect(s.text).toBe('12k sent · 1024 dropped · 20001 failed');
  });

  it('keeps a recovered output ok, its last error only in the title', () => {
    const s = summarizeOutput({ ...base, sent: 10, retrying: 0, spooled: 0, lastError: 'connect ECONNREFUSED' });
    expect(s).toMatchObject({ state: 'ok', text: '10 sent' });
    expect(s.title).toContain('last error: connect ECONNREFUSED');
  });
});

describe('compactCount', () => {
  it('keeps small counts whole and shortens large ones without rounding up', () => {
    expect([0, 999, 1000, 1999, 34_567, 5_678_901, 2_000_000_000].map(compactCount)).toEqual([
      '0',
      '999',
      '1k',
      '1.9k',
      '34k',
      '5.6M',
      '2G',
    ]);
  });
});
