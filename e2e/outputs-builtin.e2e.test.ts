import { existsSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runScript } from './support/script.js';

const N = 3000;

/** An OTLP/HTTP JSON receiver on loopback: the seq and time of every log record it is sent, in arrival order. */
class OtlpReceiver {
  readonly records: { seq: number; nanos: bigint; severity: number; service: string }[] = [];
  private server: Server | undefined;
  port = 0;

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(gunzipSync(Buffer.concat(chunks)).toString());
        for (const rl of body.resourceLogs) {
          const service = rl.resource.attributes.find((a: { key: string }) => a.key === 'service.name').value
            .stringValue;
          for (const sl of rl.scopeLogs) {
            for (const r of sl.logRecords) {
              const seq = Number(r.attributes.find((a: { key: string }) => a.key === 'pulselog.seq').value.intValue);
              this.records.push({ seq, nanos: BigInt(r.timeUnixNano), severity: r.severityNumber, service });
            }
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function run(endpoint: string, cwd?: string) {
  const outputs = [{ target: 'otlp', options: { endpoint, protocol: 'http/json', retryBase: 50, exitTimeout: 8000 } }];
  const script = runScript('outputs.mjs', {}, [JSON.stringify(outputs), String(N)], cwd ? { cwd } : {});
  let stdout = '';
  script.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  const { code } = await script.exited;
  expect(code, script.stderr()).toBe(0);
  return { report: JSON.parse(stdout.trim()), cwd: script.cwd, stderr: script.stderr() };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('built-in outputs', () => {
  it('send at the next run of the program what a run with the collector down the whole time spooled', async () => {
    const receiver = await new OtlpReceiver().start();
    const endpoint = `http://127.0.0.1:${receiver.port}`;
    await receiver.stop();

    const first = await run(endpoint);
    const spool = join(first.cwd, '.pulselog', 'spool', 'otlp');
    expect(readdirSync(spool).length).toBeGreaterThan(0);
    expect(first.stderr).toMatch(/otlp/);

    await receiver.start();
    const second = await run(endpoint, first.cwd);
    expect(second.report.afterFlush.outputs[0]).toMatchObject({ name: 'otlp', failed: 0, dropped: 0 });
    // Both runs' records, the first run's (spooled) before the second's, each run's in order.
    const seqs = receiver.records.map((r) => r.seq);
    expect(seqs.length, `${first.stderr}\n${second.stderr}`).toBe(2 * N);
    expect(seqs).toEqual([...range(N), ...range(N)]);
    const firstRun = receiver.records.slice(0, N);
    const secondRun = receiver.records.slice(N);
    expect((firstRun.at(-1) as { nanos: bigint }).nanos).toBeLessThan((secondRun[0] as { nanos: bigint }).nanos);
    expect(new Set(receiver.records.map((r) => r.service))).toEqual(new Set(['outputs']));
    expect(new Set(receiver.records.map((r) => r.severity))).toEqual(new Set([9]));
    expect(existsSync(spool) ? readdirSync(spool) : []).toEqual([]);
    await receiver.stop();
  }, 60_000);
});
