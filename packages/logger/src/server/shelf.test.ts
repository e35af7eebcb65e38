import { readdirSync, readlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CheckpointShelf } from './shelf.js';

const save = (name: string, data: unknown, ts = 1) =>
  ({ type: 'checkpoint', op: 'upsert', checkpoint: { name, data, ts, status: 'DONE' } }) as const;

describe('CheckpointShelf', () => {
  it('answers with summaries and serves each checkpoint’s latest data', () => {
    const shelf = new CheckpointShelf();
    const first = shelf.take(save('epoch-1', { loss: 0.5 }));
    expect(JSON.parse(first.text)).toEqual({
      type: 'checkpoint',
      op: 'summary',
      checkpoint: { name: 'epoch-1', ts: 1, status: 'DONE', dataSize: 12 },
    });
    shelf.take(save('epoch-2', 'é', 2));
    shelf.take(save('epoch-1', { loss: 0.25 }, 3));
    expect(JSON.parse(shelf.read('epoch-1')?.toString() ?? '')).toEqual({
      name: 'epoch-1',
      ts: 3,
      data: { loss: 0.25 },
    });
    expect(JSON.parse(shelf.read('epoch-2')?.toString() ?? '')).toEqual({ name: 'epoch-2', ts: 2, data: 'é' });
    // Save order, the latest save last.
    expect([...shelf.summaries()].map((t) => JSON.parse(t).checkpoint.name)).toEqual(['epoch-2', 'epoch-1']);
    shelf.take({ type: 'checkpoint', op: 'delete', name: 'epoch-2' });
    expect(shelf.read('epoch-2')).toBeUndefined();
    expect(shelf.count).toBe(1);
    shelf.close();
  });

  it('drops the data of older saves, keeping what is current readable', () => {
    const shelf = new CheckpointShelf(10_000);
    const big = 'x'.repeat(5000);
    for (let i = 0; i < 200; i++) shelf.take(save(`c${i % 3}`, { i, big }, i));
    for (const [name, i] of [
      ['c0', 198],
      ['c1', 199],
      ['c2', 197],
    ] as const) {
      expect(JSON.parse(shelf.read(name)?.toString() ?? '')).toEqual({ name, ts: i, data: { i, big } });
    }
    expect(shelf.errors).toBe(0);
    shelf.close();
  });

  it.skipIf(process.platform !== 'linux')('keeps its data in a file without a name, which goes with the hub', () => {
    const shelf = new CheckpointShelf();
    shelf.take(save('a', 1));
    const ours = readdirSync('/proc/self/fd')
      .map((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`);
        } catch {
          return '';
        }
      })
      .filter((target) => target.includes('pulselog-hub-'));
    expect(ours.length).toBeGreaterThan(0);
    for (const target of ours) expect(target).toMatch(/\(deleted\)$/);
    shelf.close();
  });
});
