import { describe, expect, it } from 'vitest';
import { packRecords } from '../core/pack.js';
import { AppModel } from './app.js';
import { readKeep } from './prefs.js';
import { DEFAULT_LIMIT, MIN_LIMIT, SessionModel } from './session.js';

const run = (from: number, count: number) =>
  packRecords(Array.from({ length: count }, (_, i) => ({ seq: from + i, ts: from + i, level: 'info', msg: 'm' })));

describe('readKeep', () => {
  it('reads a number of records from a setting or the address, at least the fewest a tab holds', () => {
    expect(readKeep('5000')).toBe(5000);
    expect(readKeep(250_000.7)).toBe(250_000);
    expect(readKeep('10')).toBe(MIN_LIMIT);
    for (const bad of ['', 'many', '-5', 0, Number.NaN, Number.POSITIVE_INFINITY, null, undefined, {}]) {
      expect(readKeep(bad), String(bad)).toBeUndefined();
    }
  });
});

describe('the records a tab holds', () => {
  it('are the default, then the address, then the setting, applied to the live session at once', () => {
    const live = new SessionModel();
    const app = new AppModel(live, undefined, undefined);
    expect(live.limit).toBe(DEFAULT_LIMIT);
    live.append(run(1, 8000));
    app.keepFrom('?q=x&keep=5000');
    expect(live.limit).toBe(5000);
    expect(live.size).toBe(5000);
    expect(live.record(0)?.seq).toBe(3001);
    app.keepFrom('?keep=lots');
    expect(live.limit).toBe(DEFAULT_LIMIT);
    app.keepFrom('?keep=4000');
    // The setting replaces the address's value for this tab.
    app.setKeep(2000);
    expect(app.keep.value).toBe(2000);
    expect(app.prefs.keep.value).toBe(2000);
    expect(live.size).toBe(2000);
    app.close();
  });
});
