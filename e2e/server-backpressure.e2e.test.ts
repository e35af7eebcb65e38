import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardAddress, health, parseDashboardUrl, type RawClient, rawClient } from './support/client.js';
import { type RunningScript, runScript } from './support/script.js';

const TOTAL = 1_000_000;
const REPLAY_BYTES = 8 * 1024 * 1024;
const OTLP_MAX_BYTES = 1024 * 1024;
/**
 * The stated bound on the hub thread's memory while one client reads nothing
 * and a million records (about 95 MB of batches) pass:
 * - its heap cannot grow past a hard limit, a worker resource limit of 96 MB
 *   plus an eighth of the replay bound plus five times the OTLP body limit
 *   (1 MiB here: 150 MB with the young generation);
 * - what it holds outside the heap is the replay buffer, never over its byte
 *   bound, and what it queued for sockets, within the per-client cap (4 MB,
 *   plus one 1 MB slice) for each of the two clients;
 * - batches it let go stay counted outside the heap until the garbage
 *   collector reclaims them, which V8 does once about 64 MB pile up, so the
 *   total there stays under 128 MB however many records pass.
 */
const HEAP_BOUND = 160 * 1024 * 1024;
const BUFFERED_BOUND = 2 * 6 * 1024 * 1024;
const EXTERNAL_BOUND = 128 * 1024 * 1024;

const socketOf = (client: RawClient) => (client.ws as unknown as { _socket: Socket })._socket;
/** Records accounted for: received, or named by an explicit gap. */
const accounted = (client: RawClient) => client.records + client.gaps.reduce((n, gap) => n + gap.count, 0);

describe('dashboard server under a client that stops reading', () => {
  let script: RunningScript;
  let address: DashboardAddress;

  beforeAll(async () => {
    script = runScript(
      'server-flood.mjs',
      { PULSELOG_REPLAY_BYTES: String(REPLAY_BYTES), PULSELOG_OTLP_MAX_BYTES: String(OTLP_MAX_BYTES) },
      [String(TOTAL)],
    );
    address = parseDashboardUrl(await script.dashboardUrl());
  });

  afterAll(async () => {
    await script?.kill();
  });

  it('keeps its memory bounded, serves the other tab meanwhile, then catches the stalled one up with a gap', async () => {
    const stalled = rawClient(address);
    const healthy = rawClient(address);
    await stalled.until(() => stalled.others.some((m) => m.type === 'hello'));
    await healthy.until(() => healthy.others.some((m) => m.type === 'hello'));
    await expect.poll(async () => (await health(address)).clients).toBe(2);
    socketOf(stalled).pause();

    script.child.stdin?.write('go\n');
    let peak = { heapUsed: 0, heapLimit: 0, external: 0, buffered: 0, replay: 0 };
    let pausedSeen = 0;
    while (!script.stderr().includes(`logged ${TOTAL}`) || healthy.lastSeq < TOTAL) {
      const stats = await health(address);
      const memory = stats.memory ?? { heapUsed: Infinity, heapLimit: Infinity, external: Infinity };
      peak = {
        heapUsed: Math.max(peak.heapUsed, memory.heapUsed),
        heapLimit: Math.max(peak.heapLimit, memory.heapLimit),
        external: Math.max(peak.external, memory.external),
        buffered: Math.max(peak.buffered, stats.buffered ?? Infinity),
        replay: Math.max(peak.replay, stats.replay.bytes),
      };
      pausedSeen = Math.max(pausedSeen, stats.paused ?? 0);
      if (script.child.exitCode !== null) throw new Error(`script ended:\n${script.stderr()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(peak.heapLimit).toBeLessThan(HEAP_BOUND);
    expect(peak.heapUsed).toBeLessThan(peak.heapLimit);
    expect(peak.buffered).toBeLessThan(BUFFERED_BOUND);
    expect(peak.replay).toBeLessThanOrEqual(REPLAY_BYTES);
    expect(peak.external).toBeLessThan(EXTERNAL_BOUND);
    expect(script.stderr()).not.toContain('dashboard stopped');
    expect(pausedSeen).toBeGreaterThanOrEqual(1);
    expect(stalled.lastSeq).toBeLessThan(TOTAL / 2);

    // The tab that kept reading was served to the end meanwhile, in order, each
    // record once (with so small a buffer, a gap for any stretch it fell behind).
    expect(healthy.disorder).toBe(0);
    expect(accounted(healthy)).toBe(TOTAL);
    expect(healthy.records).toBeGreaterThan(stalled.records);

    socketOf(stalled).resume();
    await stalled.until(() => stalled.lastSeq === TOTAL);
    expect(stalled.disorder).toBe(0);
    const evicted = stalled.gaps.filter((gap) => gap.reason === 'evicted');
    expect(evicted.length).toBeGreaterThan(0);
    expect(accounted(stalled)).toBe(TOTAL);
    const after = await health(address);
    expect(after.memory?.heapLimit ?? Infinity).toBeLessThan(HEAP_BOUND);
    expect(after.replay.bytes).toBeLessThanOrEqual(REPLAY_BYTES);
    healthy.ws.close();
    stalled.ws.close();
  });

  it('gives several tabs every record each, with the default buffer', async () => {
    const flood = runScript('server-flood.mjs', {}, ['200000']);
    try {
      const own = parseDashboardUrl(await flood.dashboardUrl());
      const tabs = [rawClient(own), rawClient(own), rawClient(own)];
      await expect.poll(async () => (await health(own)).clients).toBe(3);
      for (const tab of tabs) await tab.until(() => tab.others.some((m) => m.type === 'hello'));
      flood.child.stdin?.write('go\n');
      for (const tab of tabs) {
        await tab.until(() => tab.lastSeq === 200_000);
        expect({ records: tab.records, disorder: tab.disorder, gaps: tab.gaps }).toEqual({
          records: 200_000,
          disorder: 0,
          gaps: [],
        });
        tab.ws.close();
      }
    } finally {
      await flood.kill();
    }
  });
});
