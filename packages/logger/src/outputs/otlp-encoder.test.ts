import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { OtlpEncoder } from './otlp-encoder.js';
import { lines } from './test-support.js';

// The encoder thread is the built `dist/outputs/otlp-worker.js`: run `pnpm build` first.

const root = createRequire(import.meta.url)('otlp-proto-decode/build/src/generated/root.js');
const ExportLogsServiceRequest = root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;

/** The `pulselog.seq` attribute of each record in a gzip-compressed body, in order. */
function seqsOf(body: Uint8Array): number[] {
  const request = ExportLogsServiceRequest.toObject(ExportLogsServiceRequest.decode(gunzipSync(body)), {
    longs: Number,
  }) as {
    resourceLogs: {
      scopeLogs: { logRecords: { attributes: { key: string; value: { intValue: number } }[] }[] }[];
    }[];
  };
  return request.resourceLogs.flatMap((rl) =>
    rl.scopeLogs.flatMap((sl) =>
      sl.logRecords.map((r) => r.attributes.find((kv) => kv.key === 'pulselog.seq')?.value.intValue as number),
    ),
  );
}

const setup = {
  protocol: 'http/protobuf' as const,
  resource: { 'service.name': 'encoder-test' },
  scope: { name: '@pulselog/logger', version: '0' },
};
const encoders: OtlpEncoder[] = [];
afterEach(async () => {
  for (const encoder of encoders.splice(0)) await encoder.close();
});

function started(): OtlpEncoder {
  const encoder = new OtlpEncoder(setup);
  encoders.push(encoder);
  return encoder;
}

describe('OtlpEncoder', () => {
  it('answers each run with its own body, runs asked for at once included', async () => {
    const encoder = started();
    await encoder.start();
    const runs = [lines(1, 1000), lines(1001, 1500), lines(1501, 1501), lines(1502, 4000)];
    const bodies = await Promise.all(runs.map((run) => encoder.encode(run)));
    expect(bodies.map(seqsOf)).toEqual(runs.map((run) => run.map((line) => JSON.parse(line).seq)));
  });

  it('rejects what a thread that stopped owed, and starts a new one for the next run', async () => {
    const encoder = started();
    await encoder.start();
    const owed = encoder.encode(lines(1, 50_000));
    // The thread gone as a crash would take it (an out-of-memory, a native fault).
    await (encoder as unknown as { worker: Worker }).worker.terminate();
    await expect(owed).rejects.toThrow(/otlp encoder thread exited/);
    expect(seqsOf(await encoder.encode(lines(7, 9)))).toEqual([7, 8, 9]);
  });

  it('refuses runs once closed', async () => {
    const encoder = started();
    await encoder.start();
    await encoder.close();
    await expect(encoder.encode(lines(1, 2))).rejects.toThrow(/closed/);
  });
});
