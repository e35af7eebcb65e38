/**
 * `pulselog noise`: a load generator for any log pipeline, this one
 * included. Paces `NoiseGenerator` events at `--rate` a second (with
 * bursts) for `--duration` seconds and writes them, in one of the formats,
 * to stdout or a file, waiting whenever the reader is slower.
 */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { formatEvent, NOISE_FORMATS, type NoiseFormat, NoiseGenerator, seededRandom } from './generate.js';

/** `pulselog noise --help`. */
export const NOISE_HELP = `Usage: pulselog noise [options]

Writes realistic log lines (HTTP requests with status codes and latencies,
application messages, errors with stacks, bursts) at a steady rate: load for
any log pipeline.

Options:
  --rate N           events a second (default 100)
  --duration S       seconds to run (default 10)
  --format F         json, logfmt, text or apache (default json)
  --output FILE      append to FILE instead of writing to stdout
  --burst-factor X   rate during a burst, as a multiple of --rate; 1 = no bursts (default 5)
  --seed N           the same seed makes the same lines (default: random)
  -h, --help         print this help

Without bursts it writes exactly rate x duration events.
`;

/** Parsed `pulselog noise` arguments. */
export interface NoiseOptions {
  rate: number;
  duration: number;
  format: NoiseFormat;
  output: string | undefined;
  burstFactor: number;
  seed: number;
}

/** Reads the arguments; throws a message that says what is wrong. */
export function parseNoiseArgs(argv: string[]): NoiseOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      rate: { type: 'string' },
      duration: { type: 'string' },
      format: { type: 'string' },
      output: { type: 'string', short: 'o' },
      'burst-factor': { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const number = (name: string, raw: string | undefined, fallback: number, min: number) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min)
      throw new Error(`--${name} must be a number of at least ${min}, not ${raw}`);
    return value;
  };
  const format = (values.format ?? 'json') as NoiseFormat;
  if (!NOISE_FORMATS.includes(format)) {
    throw new Error(`--format must be one of ${NOISE_FORMATS.join(', ')}, not ${values.format}`);
  }
  return {
    rate: number('rate', values.rate, 100, 0.001),
    duration: number('duration', values.duration, 10, 0),
    format,
    output: values.output,
    burstFactor: number('burst-factor', values['burst-factor'], 5, 1),
    seed: number('seed', values.seed, Math.floor(Math.random() * 2 ** 31), 0),
  };
}

/** Time between two rounds of writing, in ms. */
const TICK_MS = 50;
/** Chance, each tick, that a burst starts; and how long one lasts. */
const BURST_CHANCE = 0.01;
const BURST_MS = 500;

/** Runs the generator; resolves with the number of events written. */
export async function runNoise(options: NoiseOptions, out: Writable): Promise<number> {
  const generator = new NoiseGenerator(options.seed);
  const random = seededRandom(options.seed ^ 0x5eed);
  const start = Date.now();
  const end = start + options.duration * 1000;
  let last = start;
  let due = 0;
  let written = 0;
  let burstUntil = 0;
  for (;;) {
    const now = Math.min(Date.now(), end);
    if (options.burstFactor > 1 && now >= burstUntil && random() < BURST_CHANCE) burstUntil = now + BURST_MS;
    due += ((now - last) / 1000) * options.rate * (now < burstUntil ? options.burstFactor : 1);
    // The last round writes what rounding left, so a run without bursts writes exactly rate x duration.
    const count = now >= end ? Math.round(due) : Math.floor(due);
    due -= count;
    let chunk = '';
    for (let i = 0; i < count; i++) {
      chunk += `${formatEvent(generator.next(last + ((now - last) * (i + 1)) / count), options.format)}\n`;
    }
    last = now;
    written += count;
    if (chunk !== '' && !out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
    if (now >= end) return written;
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
}

/** `pulselog noise [options]`: the exit code. */
export async function noiseCommand(argv: string[]): Promise<number> {
  let options: NoiseOptions | 'help';
  try {
    options = parseNoiseArgs(argv);
  } catch (err) {
    process.stderr.write(`pulselog noise: ${(err as Error).message}\n\n${NOISE_HELP}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(NOISE_HELP);
    return 0;
  }
  const out = options.output === undefined ? process.stdout : createWriteStream(options.output, { flags: 'a' });
  let closed = false;
  out.on('error', (err: NodeJS.ErrnoException) => {
    // A reader that went away (`| head`) ends the run; anything else is said.
    if (err.code !== 'EPIPE') process.stderr.write(`pulselog noise: ${err.message}\n`);
    closed = true;
    process.exit(err.code === 'EPIPE' ? 0 : 1);
  });
  await runNoise(options, out);
  if (out !== process.stdout && !closed) await new Promise<void>((resolve) => out.end(resolve));
  return 0;
}
