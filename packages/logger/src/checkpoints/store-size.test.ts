import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeSet } from './log-file.js';
import { CheckpointStore } from './store.js';

const COUNT = 20_000;
const DATA_BYTES = 20_000;

describe('CheckpointStore of many large checkpoints', () => {
  it('opens 20,000 checkpoints of 20 kB holding their index only, and reads each one on demand', () => {
    const root = mkdtempSync(join(tmpdir(), 'pulselog-ckpt-'));
    try {
      const dir = join(root, 'checkpoints');
      mkdirSync(dir);
      // Written as saves write them, a few megabytes at a time.
      const fd = openSync(join(dir, 'checkpoints.log'), 'w');
      const pad = 'w'.repeat(DATA_BYTES - 40);
      let chunk = '';
      for (let i = 0; i < COUNT; i++) {
        chunk += encodeSet(`ckpt-${i}`, i, { status: 'DONE', progress: 100 }, `{"i":${i},"pad":"${pad}"}`);
        if (chunk.length > 4 << 20 || i === COUNT - 1) {
          writeSync(fd, chunk);
          chunk = '';
        }
      }
      closeSync(fd);

      globalThis.gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      const started = performance.now();
      const store = new CheckpointStore(dir);
      const names = store.names();
      const openMs = performance.now() - started;
      const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
      // Shown, not asserted: speed is the benchmarks' business. Memory says whether the data was parsed.
      console.log(
        `opened ${COUNT} checkpoints of ${DATA_BYTES} bytes in ${openMs.toFixed(0)} ms; heap +${(heapGrowth / 1e6).toFixed(1)} MB`,
      );
      expect(names).toHaveLength(COUNT);
      expect(names[0]).toBe(`ckpt-${COUNT - 1}`);
      // 400 MB of data: an index of 20,000 entries stays far below a tenth of it.
      expect(heapGrowth).toBeLessThan(40e6);
      expect(store.get('ckpt-12345')).toMatchObject({
        data: { i: 12345, pad },
        status: 'DONE',
        progress: 100,
        ts: 12345,
      });
      store.close();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
