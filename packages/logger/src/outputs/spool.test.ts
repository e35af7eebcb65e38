import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Spool } from './spool.js';

const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `{"seq":${from + i}}`);

describe('Spool', () => {
  it('gives runs back oldest first, and a new spool of the same folder finds them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulselog-spool-'));
    const spool = new Spool(dir, 1e9);
    spool.add(lines(1, 3));
    spool.add(lines(4, 5));
    const again = new Spool(dir, 1e9);
    expect(again.records).toBe(5);
    const first = again.oldest();
    expect(first?.lines).toEqual(lines(1, 3));
    again.remove(first?.file as string);
    expect(again.oldest()?.lines).toEqual(lines(4, 5));
    expect(again.records).toBe(2);
  });

  it('drops its oldest runs past its bound and counts their records', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulselog-spool-'));
    const size = Buffer.byteLength(`${lines(1, 10).join('\n')}\n`);
    const spool = new Spool(dir, size * 2.5);
    expect(spool.add(lines(1, 10))).toBe(0);
    expect(spool.add(lines(11, 20))).toBe(0);
    expect(spool.add(lines(21, 30))).toBe(10);
    expect(spool.records).toBe(20);
    expect(spool.oldest()?.lines).toEqual(lines(11, 20));
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it('keeps what is left of a run after part of it was delivered, and ignores files of its own making only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulselog-spool-'));
    writeFileSync(join(dir, 'notes.txt'), 'not a run');
    const spool = new Spool(dir, 1e9);
    spool.add(lines(1, 4));
    const run = spool.oldest();
    spool.replace(run?.file as string, lines(3, 4));
    expect(spool.records).toBe(2);
    expect(new Spool(dir, 1e9).oldest()?.lines).toEqual(lines(3, 4));
  });
});
