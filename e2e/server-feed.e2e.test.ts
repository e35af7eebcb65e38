import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type GapMessage, type LogRecord, parseServerMessage, type ServerMessage } from '@pulselog/shared';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseDashboardUrl } from './support/client.js';
import { runScript } from './support/script.js';

/** What a tab saw, in order: records, checkpoint names and the end, as short strings. */
async function watch(env: Record<string, string>) {
  const script = runScript('server-feed.mjs', { PULSELOG_CHECKPOINT_PATH: 'checkpoints', ...env });
  try {
    const { origin, token } = parseDashboardUrl(await script.dashboardUrl());
    const ws = new WebSocket(`${origin.replace('http', 'ws')}/ws?token=${token}`, 'pulselog.v1', { origin });
    const seen: string[] = [];
    const records: LogRecord[] = [];
    const gaps: GapMessage[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      ws.on('message', (data) => {
        const parsed = parseServerMessage(data.toString());
        if (!parsed.ok) return reject(new Error(parsed.reason));
        const message: ServerMessage = parsed.value;
        if (message.type === 'hello') ws.send(JSON.stringify({ type: 'resume', lastSeq: 0 }));
        else if (message.type === 'batch') records.push(...message.records);
        else if (message.type === 'checkpoint' && message.op !== 'delete') {
          seen.push(`checkpoint ${message.checkpoint.name} after ${records.length}`);
        } else if (message.type === 'gap') {
          seen.push(`gap ${message.from}-${message.to}`);
          gaps.push(message);
        } else if (message.type === 'end') {
          seen.push(`end ${message.reason} at ${message.lastSeq} after ${records.length}`);
          resolve();
        }
      });
      ws.on('error', reject);
    });
    await new Promise((resolve) => ws.once('open', resolve));
    // The tab subscribes before the script logs anything, so it must get every record live.
    await expect.poll(() => script.stderr(), { timeout: 20_000 }).toContain('ready');
    await new Promise((resolve) => setTimeout(resolve, 100));
    script.child.stdin?.write('go\n');
    await ended;
    ws.close();
    expect(await script.exited).toEqual({ code: 0, signal: null });
    return { seen, records, gaps, cwd: script.cwd, stderr: script.stderr() };
  } finally {
    await script.kill();
  }
}

const expected = [
  'checkpoint step-1 after 1000',
  'checkpoint step-2 after 2000',
  'checkpoint step-3 after 3000',
  'checkpoint step-4 after 4000',
  'checkpoint step-5 after 5000',
  'end exit at 5000 after 5000',
];

describe('records reaching a tab', () => {
  it('are, with a session file, the records of the file, in its order with the checkpoints', async () => {
    const { seen, records, cwd } = await watch({});
    expect(seen).toEqual(expected);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
    const dir = join(cwd, '.pulselog', 'sessions');
    const [file] = readdirSync(dir);
    const lines = readFileSync(join(dir, file as string), 'utf8')
      .trimEnd()
      .split('\n');
    const fileRecords = lines.filter((line) => line.startsWith('{"seq":')).map((line) => JSON.parse(line));
    expect(records).toEqual(fileRecords);
    expect(records[100]?.fields).toEqual({ step: 1, i: 100, note: 'héllo ✓ "quoted"' });
  });

  it('are the same without a session file, fed by the pipeline all the same', async () => {
    const { seen, records } = await watch({ PULSELOG_SESSION_DIR: 'false' });
    expect(seen).toEqual(expected);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
    expect(records[100]?.fields).toEqual({ step: 1, i: 100, note: 'héllo ✓ "quoted"' });
  });

  it('stop with a dropped gap when the pipeline thread dies, and the session still ends', async () => {
    const { seen, records, gaps, stderr } = await watch({ STOP_PIPELINE: '1' });
    expect(stderr.match(/the pipeline thread stopped/g)).toHaveLength(1);
    // What the pipeline took in reached the tab, in order; every record after it lies in a `dropped` gap that counts it.
    const seqs = records.map((r) => r.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(seqs.length).toBeGreaterThan(0);
    expect(seqs.length).toBeLessThan(5000);
    const got = new Set(seqs);
    for (const gap of gaps) {
      expect(gap.reason).toBe('dropped');
      let missing = 0;
      for (let seq = gap.from; seq <= gap.to; seq++) if (!got.has(seq)) missing++;
      expect(gap.count).toBe(missing);
    }
    const inGap = (seq: number) => gaps.some((gap) => seq >= gap.from && seq <= gap.to);
    for (let seq = 1; seq <= 5000; seq++) if (!got.has(seq)) expect(inGap(seq)).toBe(true);
    expect(seen[seen.length - 1]).toBe(`end exit at 5000 after ${records.length}`);
  });
});
