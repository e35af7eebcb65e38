/**
 * Where a built-in output's settings come from: its `options`, then the
 * environment (`PULSELOG_<OUTPUT>_<KEY>`, e.g. `PULSELOG_LOKI_URL`, and the
 * standard variables an API defines), then the `[outputs.<kind>]` table of
 * `pulselog.toml`, then defaults. Checked when the output
 * is made, so a wrong setting fails its loading with a message naming it.
 */
import { join } from 'node:path';
import { outputFileSettings } from '../config.js';
import type { OutputContext } from '../pipeline/output.js';
import { DEFAULT_DELIVERY, Delivery, type DeliverySettings, type Send } from './delivery.js';
import { Spool } from './spool.js';

/** A built-in output's options with the environment behind them. */
export class Settings {
  private readonly options: Record<string, unknown>;

  constructor(
    /** The output's kind (`loki`), for messages and variable names. */
    readonly kind: string,
    options: unknown,
    private readonly env: NodeJS.ProcessEnv = process.env,
    /** Its table in `pulselog.toml`. */
    private readonly file: Record<string, unknown> = outputFileSettings(kind),
  ) {
    if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
      throw new Error(`output ${kind}: options must be an object`);
    }
    this.options = (options ?? {}) as Record<string, unknown>;
  }

  /** A text setting: `options[key]`, else the first of `PULSELOG_<KIND>_<KEY>` and `envNames` that is set. */
  text(key: string, ...envNames: string[]): string | undefined {
    const value = this.options[key];
    if (value !== undefined) {
      if (typeof value !== 'string') throw new Error(`output ${this.kind}: options.${key} must be a string`);
      return value;
    }
    for (const name of [this.envName(key), ...envNames]) {
      const fromEnv = this.env[name];
      if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    }
    const fromFile = this.file[key];
    if (fromFile === undefined) return undefined;
    if (typeof fromFile !== 'string')
      throw new Error(`output ${this.kind}: outputs.${this.kind}.${key} in pulselog.toml must be a string`);
    return fromFile;
  }

  /** A text setting that must be there. */
  required(key: string, ...envNames: string[]): string {
    const value = this.text(key, ...envNames);
    if (value === undefined) {
      throw new Error(`output ${this.kind}: set options.${key} or ${[this.envName(key), ...envNames].join(' or ')}`);
    }
    return value;
  }

  /** A positive number setting, from options or `PULSELOG_<KIND>_<KEY>`. */
  number(key: string, fallback: number): number {
    const fromEnv = this.env[this.envName(key)];
    const raw = this.options[key] ?? (fromEnv === '' ? undefined : fromEnv) ?? this.file[key];
    if (raw === undefined || raw === '') return fallback;
    const value = typeof raw === 'number' ? raw : Number(raw);
    if (!Number.isFinite(value) || value <= 0) {
      throw new Error(`output ${this.kind}: ${key} must be a positive number, not ${String(raw)}`);
    }
    return value;
  }

  /** A table of text values (labels, headers) from options. */
  record(key: string): Record<string, string> {
    const value = this.options[key] ?? this.file[key];
    if (value === undefined) return {};
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error(`output ${this.kind}: options.${key} must be an object of strings`);
    }
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) out[k] = String(v);
    return out;
  }

  /** Batching, retry and spool settings, each overridable in options; `d` holds the output's defaults. */
  delivery(d: DeliverySettings = DEFAULT_DELIVERY): DeliverySettings {
    return {
      batchRecords: this.number('batchRecords', d.batchRecords),
      batchBytes: this.number('batchBytes', d.batchBytes),
      batchInterval: this.number('batchInterval', d.batchInterval),
      retry: { baseMs: this.number('retryBase', d.retry.baseMs), maxMs: this.number('retryMax', d.retry.maxMs) },
      requestTimeout: this.number('requestTimeout', d.requestTimeout),
      maxSpoolBytes: this.number('maxSpoolBytes', d.maxSpoolBytes),
      exitTimeout: this.number('exitTimeout', d.exitTimeout),
      concurrency: Math.ceil(this.number('concurrency', d.concurrency)),
    };
  }

  private envName(key: string): string {
    return `PULSELOG_${this.kind}_${key}`.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
  }
}

/**
 * A built-in output: `send` behind batching, retries and the spool `.pulselog/spool/<name>` (or `options.spoolDir`).
 * `defaults` changes the delivery defaults for this kind of output (an API that takes requests in any order sends several at once).
 */
export function deliveryOutput(
  settings: Settings,
  context: OutputContext,
  send: Send,
  defaults: Partial<DeliverySettings> = {},
): Delivery {
  const dir = settings.text('spoolDir') ?? join(context.stateDir, 'spool', context.name);
  const delivery = settings.delivery({ ...DEFAULT_DELIVERY, ...defaults });
  return new Delivery(send, new Spool(dir, delivery.maxSpoolBytes), delivery);
}
