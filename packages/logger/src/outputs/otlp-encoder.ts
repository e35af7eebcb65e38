/**
 * The `otlp` output's encoder: hands runs of record lines to a thread of
 * its own (`otlp-worker.ts`) and gets back gzip-compressed request bodies.
 *
 *   pipeline thread                         encoder thread
 *   send(lines) ── { id, lines } ─────────▶ map, serialize, gzip
 *     post(body) ◀── { id, body | error } ──┘
 *
 * Requests are answered in the order they were made. While a run is encoded
 * the pipeline thread formats and fans out the next records, and posts the
 * bodies already made: on two cores, encoding no longer sets the pace of
 * the whole pipeline. A thread that fails or exits rejects what it had
 * (the output retries those runs) and is started again on the next run.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Protocol } from './otlp-records.js';

/** What the encoder thread is started with (its `workerData`). */
export interface EncoderSetup {
  protocol: Protocol;
  /** The resource's attributes, `service.name` among them. */
  resource: Record<string, string>;
  /** The instrumentation scope of every record. */
  scope: { name: string; version: string };
}

/** A run to encode. */
export interface EncodeRequest {
  id: number;
  /** Posted as they are: cloning the array cost about half as much as joining it into one string and cloning that. */
  lines: readonly string[];
}

/** The encoder thread's answer to an `EncodeRequest`: the gzip-compressed body, or why there is none. */
export type EncodeReply = { id: number; body: Uint8Array } | { id: number; error: string };

/** The encoder thread's first message: whether it could load the OpenTelemetry packages. */
type Started = { ready: true } | { ready: false; error: string };

interface Waiting {
  resolve(body: Uint8Array): void;
  reject(err: Error): void;
}

/** Encodes runs of record lines into OTLP request bodies on a thread of its own. */
export class OtlpEncoder {
  private worker: Worker | undefined;
  private starting: Promise<Worker> | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly setup: EncoderSetup) {}

  /** Starts the thread; rejects with its reason (the OpenTelemetry packages missing) when it cannot encode. */
  async start(): Promise<void> {
    await this.thread();
  }

  /** The gzip-compressed request body of `lines`; rejects when the thread fails. */
  async encode(lines: readonly string[]): Promise<Uint8Array> {
    const worker = await this.thread();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // Held open while it owes an answer, and only then: an idle encoder keeps no program alive.
      if (this.waiting.size === 1) worker.ref();
      const request: EncodeRequest = { id, lines };
      worker.postMessage(request);
    });
  }

  /** Stops the thread; what it still owed is rejected. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.stopped(worker, new Error('the otlp encoder was closed'));
    await worker?.terminate();
  }

  private thread(): Promise<Worker> {
    if (this.closed) return Promise.reject(new Error('the otlp encoder was closed'));
    if (this.starting !== undefined) return this.starting;
    const worker = new Worker(workerUrl(), { workerData: this.setup, name: 'pulselog otlp encoder' });
    this.worker = worker;
    this.starting = new Promise<Worker>((resolve, reject) => {
      worker.once('message', (started: Started) => {
        if (!started.ready) {
          reject(new Error(started.error));
          return;
        }
        worker.on('message', (reply: EncodeReply) => this.answer(worker, reply));
        if (this.waiting.size === 0) worker.unref();
        resolve(worker);
      });
      worker.once('error', (err) => {
        reject(err);
        this.stopped(worker, new Error(`the otlp encoder thread failed: ${err.message}`));
      });
      worker.once('exit', (code) => {
        reject(new Error(`the otlp encoder thread exited (code ${code}) before it started`));
        this.stopped(worker, new Error(`the otlp encoder thread exited (code ${code})`));
      });
    });
    return this.starting;
  }

  private answer(worker: Worker, reply: EncodeReply): void {
    const waiting = this.waiting.get(reply.id);
    if (waiting === undefined) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) worker.unref();
    if ('body' in reply) waiting.resolve(reply.body);
    else waiting.reject(new Error(`encoding an OTLP request failed: ${reply.error}`));
  }

  /** Forgets `worker` (the next run starts a new one) and rejects what it owed. */
  private stopped(worker: Worker | undefined, err: Error): void {
    if (worker === undefined || worker !== this.worker) return;
    this.worker = undefined;
    this.starting = undefined;
    const owed = [...this.waiting.values()];
    this.waiting.clear();
    for (const waiting of owed) waiting.reject(err);
  }
}

/** `otlp-worker.js` beside this module once built; from the sources (tests), the built one. */
function workerUrl(): URL {
  const beside = new URL('./otlp-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  return new URL('../../dist/outputs/otlp-worker.js', import.meta.url);
}
