/**
 * What every command that reads logs shares: reading its arguments with a
 * clear error, making its logger, reading a stream into a feed with
 * backpressure, and staying up until Ctrl-C.
 */
import type { Readable } from 'node:stream';
import { Logger, type LoggerSetup } from '../logger.js';
import { type LineFeed, roomInQueues } from './feed.js';

/** A mistake in a command's arguments: printed with a pointer to the command's `--help`, exit code 2. */
export class UsageError extends Error {
  constructor(
    /** The command as typed: `pulselog tail`. */
    readonly command: string,
    what: string,
  ) {
    super(`${command}: ${what}`);
  }
}

/** Exit code of a usage mistake, as shells and `getopt` use it. */
export const USAGE_EXIT = 2;

/** Runs `read` (a `parseArgs` call), its errors as `UsageError`s naming the command. */
export function readArgs<T>(command: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw new UsageError(command, (err as Error).message);
  }
}

/** The logger a command streams into: its settings from `PULSELOG_*` and `pulselog.toml`, as any logger's. */
export function commandLogger(name: string, setup: LoggerSetup = {}): Logger {
  return new Logger(name, setup);
}

/**
 * Reads `stream` into `feed` chunk by chunk, waiting for room in the
 * logger's queues between chunks, until it ends or `stopped()` says so.
 * Every chunk is also handed to `echo`, when given (a command's output still shows).
 */
export async function pump(
  stream: Readable,
  feed: LineFeed,
  log: Logger,
  echo?: (chunk: Buffer) => void,
): Promise<void> {
  try {
    for await (const chunk of stream) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      echo?.(bytes);
      feed.write(bytes);
      await roomInQueues(log);
    }
  } catch (err) {
    // A stream destroyed on purpose ends here; any other failure to read is said once.
    if ((err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
      process.stderr.write(`pulselog: reading stopped: ${(err as Error).message}\n`);
    }
  } finally {
    feed.end();
  }
}

/** The first SIGINT or SIGTERM, awaited; `stop()` lets the process end without one. */
export interface Interrupt {
  signal: Promise<NodeJS.Signals>;
  stop(): void;
}

/**
 * Waits for the first SIGINT or SIGTERM, keeping the process alive until
 * then (the logger's own timers never do) or until `stop()`.
 */
export function untilInterrupted(): Interrupt {
  const keepAlive = setInterval(() => {}, 1 << 30);
  let on: (signal: NodeJS.Signals) => void = () => {};
  const stop = () => {
    clearInterval(keepAlive);
    process.off('SIGINT', on);
    process.off('SIGTERM', on);
  };
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    on = (received) => {
      stop();
      resolve(received);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
  return { signal, stop };
}

/** Shell exit code of a process ended by `signal`: 128 plus its number. */
export function signalExitCode(signal: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = {
    SIGHUP: 1,
    SIGINT: 2,
    SIGQUIT: 3,
    SIGKILL: 9,
    SIGTERM: 15,
  };
  return 128 + (numbers[signal] ?? 1);
}

/** Says on stderr how many lines were not clean text, once, when any were. */
export function reportJunk(what: string, feeds: readonly LineFeed[]): void {
  let cut = 0;
  let invalid = 0;
  let binary = 0;
  for (const feed of feeds) {
    cut += feed.junk.cut;
    invalid += feed.junk.invalidUtf8;
    binary += feed.junk.binary;
  }
  const parts: string[] = [];
  if (cut > 0) parts.push(`${cut} cut at the line limit`);
  if (invalid > 0) parts.push(`${invalid} not UTF-8`);
  if (binary > 0) parts.push(`${binary} with binary bytes`);
  if (parts.length > 0)
    process.stderr.write(`pulselog: ${what}: lines kept as text with a marker: ${parts.join(', ')}\n`);
}
