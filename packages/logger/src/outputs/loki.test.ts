import type { LevelName } from '@pulselog/shared';
import { describe, expect, it } from 'vitest';
import loki, { lokiPush } from './loki.js';
import { contractTests, lines, type Received, type Stored } from './test-support.js';

/** Loki's push body (JSON form), as its API documents it. */
interface PushRequest {
  streams: { stream: Record<string, string>; values: [string, string, Record<string, string>?][] }[];
}

/** What Loki would store: each entry with its stream's level label, ordered by seq. */
function decode(request: Received): Stored[] {
  expect(request.method).toBe('POST');
  expect(request.path).toBe('/loki/api/v1/push');
  expect(request.headers['content-type']).toBe('application/json');
  const push = JSON.parse(request.body.toString()) as PushRequest;
  return push.streams
    .flatMap(({ stream, values }) =>
      values.map(([ns, line]) => {
        const record = JSON.parse(line) as { seq: number; msg: string };
        expect(stream.service).toBe('contract-test');
        return {
          seq: record.seq,
          level: stream.level as LevelName,
          ts: Number(BigInt(ns) / 1000n) / 1000,
          msg: record.msg,
        };
      }),
    )
    .sort((a, b) => a.seq - b.seq);
}

describe('loki output', () => {
  contractTests({
    make: loki,
    options: (url) => ({ url }),
    answer: () => ({ status: 204 }),
    decode,
    precisionMs: 0.001,
  });

  it('keeps labels few (service, level, source) and puts trace context in structured metadata', () => {
    const push = JSON.parse(lokiPush(lines(1, 6), { service: 'api', source: 'host-1' })) as PushRequest;
    expect(push.streams.map((s) => Object.keys(s.stream).sort())).toEqual(
      push.streams.map(() => ['level', 'service', 'source']),
    );
    const entries = push.streams.flatMap((s) => s.values);
    const traced = entries.find(([, line]) => JSON.parse(line).seq === 3);
    expect(traced?.[2]).toEqual({ trace_id: `00000003${'ab'.repeat(12)}`, span_id: '00000003cdcdcdcd' });
    expect(entries.find(([, line]) => JSON.parse(line).seq === 1)?.[2]).toBeUndefined();
  });

  it('sends the tenant as X-Scope-OrgID and basic auth when set', async () => {
    const { Receiver, batchOf, until } = await import('./test-support.js');
    const receiver = await new Receiver(() => ({ status: 204 })).start();
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const output = loki(
      { url: receiver.url, tenant: 'team-a', username: 'u', password: 'p', batchInterval: 10 },
      { name: 'loki', service: 'api', stateDir: mkdtempSync(join(tmpdir(), 'pulselog-loki-')) },
    );
    await output.write(batchOf(lines(1, 3)));
    await until(() => receiver.requests.length > 0, 5000, 'a push');
    await output.close?.();
    await receiver.stop();
    expect(receiver.requests[0]?.headers['x-scope-orgid']).toBe('team-a');
    expect(receiver.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });
});
