/**
 * For the built-in outputs' contract tests: a loopback HTTP receiver that
 * can be down (port closed) or failing (503), record lines as the pipeline
 * formats them, and the contract every built-in output keeps.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { LEVEL_NAMES, type LevelName } from '@pulselog/shared';
import { afterEach, expect, it } from 'vitest';
import { LineBatch } from '../pipeline/line-batch.js';
import type { Output, OutputContext, OutputDeliveryStats } from '../pipeline/output.js';

/** A request as the receiver got it, body already gunzipped. */
export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** What a receiver answers. */
export interface Reply {
  status: number;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
}

/** A loopback HTTP server written to an API's documentation, by the test's `answer`. */
export class Receiver {
  readonly requests: Received[] = [];
  /** While set, every request gets this status instead of `answer`'s. */
  failWith: number | undefined;
  private server: Server | undefined;
  port = 0;

  constructor(private readonly answer: (request: Received) => Reply) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Listens (on the same port as before, when it was up once). */
  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
        const reply: Reply =
          this.failWith !== undefined ? { status: this.failWith, body: 'busy' } : this.answer(request);
        if (this.failWith === undefined) this.requests.push(request);
        res.writeHead(reply.status, reply.headers);
        res.end(reply.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Stops listening: connections are refused until `start` again. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A record as a backend stored it, read back by a test. */
export interface Stored {
  seq: number;
  level: LevelName;
  /** Milliseconds since the epoch, as precise as the API carries. */
  ts: number;
  msg: string;
}

/** Time of record `seq` in the test lines: a fixed start, 1.25 ms apart (a fraction the APIs must keep). */
export const tsOf = (seq: number) => 1_764_874_800_000 + seq * 1.25;
/** Level of record `seq` in the test lines: every level in turn. */
export const levelOf = (seq: number) => LEVEL_NAMES[seq % LEVEL_NAMES.length] as LevelName;

/** Record lines `from..to` as the pipeline formats them, with fields and, on every third, trace context. */
export function lines(from: number, to: number): string[] {
  const out: string[] = [];
  for (let seq = from; seq <= to; seq++) {
    const fields: Record<string, unknown> = { request_id: `r-${seq}`, status: 200 + (seq % 4) * 100 };
    if (seq % 3 === 0) {
      fields.trace_id = `${seq.toString(16).padStart(8, '0')}${'ab'.repeat(12)}`;
      fields.span_id = `${seq.toString(16).padStart(8, '0')}cdcdcdcd`;
    }
    out.push(JSON.stringify({ seq, ts: tsOf(seq), level: levelOf(seq), msg: `request ${seq} done`, fields }));
  }
  return out;
}

/** `lines` as a batch of the pipeline. */
export function batchOf(text: readonly string[]): LineBatch {
  const first = JSON.parse(text[0] as string).seq as number;
  const last = JSON.parse(text[text.length - 1] as string).seq as number;
  return new LineBatch(`${text.join('\n')}\n`, first, last, text.length);
}

/** Waits until `check` is true, or fails after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What a contract test needs of an output. */
export interface ContractSubject {
  /** The output's module default export. */
  make: (options: unknown, context: OutputContext) => Output | Promise<Output>;
  /** Options pointing it at `url`. */
  options: (url: string) => Record<string, unknown>;
  /** The documented success reply to a request. */
  answer: (request: Received) => Reply;
  /** The records a request carried, read the way the backend reads them. */
  decode: (request: Received) => Stored[];
  /** Time precision the API keeps, in ms. */
  precisionMs: number;
  /**
   * False when the API takes records in any order and the output has several
   * requests in flight: the records are then checked in seq order (each once,
   * none missing), whatever order the requests arrived in.
   */
  ordered?: boolean;
}

/** Settings that keep the tests short: small batches, quick retries. */
const FAST = { batchRecords: 40, batchInterval: 30, retryBase: 50, retryMax: 400, exitTimeout: 1500 };

/**
 * The tests every built-in output passes against its receiver: every record
 * arrives once with its level and time, through a 3 s outage of 503s, and
 * across a restart with the receiver down for the whole first run.
 */
export function contractTests(subject: ContractSubject): void {
  const dirs: string[] = [];
  const receivers: Receiver[] = [];
  afterEach(async () => {
    for (const r of receivers.splice(0)) await r.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const setup = async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'pulselog-output-'));
    dirs.push(stateDir);
    const receiver = new Receiver(subject.answer);
    receivers.push(receiver);
    await receiver.start();
    const context: OutputContext = { name: 'test', service: 'contract-test', stateDir };
    const make = () => subject.make({ ...subject.options(receiver.url), ...FAST }, context);
    return { receiver, make, spoolDir: join(stateDir, 'spool', 'test') };
  };
  const stored = (receiver: Receiver) => {
    const got = receiver.requests.flatMap(subject.decode);
    return subject.ordered === false ? got.sort((a, b) => a.seq - b.seq) : got;
  };
  const expectAll = (got: Stored[], count: number) => {
    expect(got.map((r) => r.seq)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    for (const r of got) {
      expect(r.level).toBe(levelOf(r.seq));
      expect(r.msg).toBe(`request ${r.seq} done`);
      expect(Math.abs(r.ts - tsOf(r.seq))).toBeLessThanOrEqual(subject.precisionMs);
    }
  };

  it('delivers every record once, in order, with its level and time', async () => {
    const { receiver, make } = await setup();
    const output = await make();
    for (let k = 0; k < 10; k++) await output.write(batchOf(lines(k * 25 + 1, k * 25 + 25)));
    await until(() => stored(receiver).length >= 250, 10_000, '250 records');
    await output.close?.();
    expectAll(stored(receiver), 250);
    expect(output.stats?.()).toMatchObject({ sent: 250, spooled: 0, dropped: 0, rejected: 0, retrying: 0 });
  });

  it('delivers every record through a 3 s outage of 503s', async () => {
    const { receiver, make } = await setup();
    receiver.failWith = 503;
    const started = Date.now();
    const output = await make();
    let seq = 0;
    while (Date.now() - started < 3000) {
      await output.write(batchOf(lines(seq + 1, seq + 20)));
      seq += 20;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(output.stats?.().retrying).toBeGreaterThan(0);
    receiver.failWith = undefined;
    await output.write(batchOf(lines(seq + 1, seq + 20)));
    seq += 20;
    await until(() => stored(receiver).length >= seq, 10_000, `${seq} records`);
    await output.close?.();
    expectAll(stored(receiver), seq);
    const stats = output.stats?.() as OutputDeliveryStats;
    expect(stats).toMatchObject({ sent: seq, spooled: 0, dropped: 0, rejected: 0, retrying: 0 });
    expect(stats.retries).toBeGreaterThan(0);
    expect(stats.lastError).toMatch(/503/);
  }, 20_000);

  it('sends at the next run what a run with its receiver down the whole time could not', async () => {
    const { receiver, make, spoolDir } = await setup();
    await receiver.stop();
    const first = await make();
    for (let k = 0; k < 4; k++) await first.write(batchOf(lines(k * 30 + 1, k * 30 + 30)));
    await first.close?.();
    expect(first.stats?.()).toMatchObject({ sent: 0, spooled: 120, dropped: 0 });
    expect(readdirSync(spoolDir).length).toBeGreaterThan(0);

    await receiver.start();
    const second = await make();
    await second.write(batchOf(lines(121, 150)));
    await until(() => stored(receiver).length >= 150, 10_000, '150 records');
    await second.close?.();
    expectAll(stored(receiver), 150);
    expect(second.stats?.()).toMatchObject({ sent: 150, spooled: 0 });
    expect(readdirSync(spoolDir)).toEqual([]);
  }, 20_000);
}
