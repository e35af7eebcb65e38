/**
 * The `pretty` output: one aligned, human line per record on stderr, for a
 * person at a terminal, the way `pino-pretty` prints pino's lines:
 *
 * ```
 * 09:05:07.042 INFO  [training] epoch done  epoch=3 loss=0.31
 * 09:05:07.050 ERROR [api]      request failed  status=502
 *     TypeError: upstream unavailable
 *         at …
 *     caused by: Error: connection refused [ECONNREFUSED]
 * ```
 *
 * On by default when stderr is a terminal (`pretty` in `config.ts`, which
 * also decides `color` from `NO_COLOR`, `FORCE_COLOR` and the terminal): the
 * logger adds it of itself (`withPretty`). Named in `outputs` it prints
 * whatever the terminal, with its own options: `color` (default off) and
 * `fd` (default 2, stderr). It writes with `fs.write` from
 * the pipeline thread, so a slow terminal holds back only this output's own
 * bounded backlog, never the program.
 */
import { write } from 'node:fs';
import type { LevelName, LogRecord, SerializedError } from '@pulselog/shared';
import type { Output, OutputBatch } from '../pipeline/output.js';

/** The pretty output's options. */
export interface PrettyOptions {
  /** ANSI colours. Default off; the logger resolves it from the terminal and `NO_COLOR`/`FORCE_COLOR`. */
  color?: boolean;
  /** File descriptor to write to. Default 2 (stderr). */
  fd?: number;
}

const LABELS: Record<LevelName, string> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO ',
  warning: 'WARN ',
  error: 'ERROR',
  critical: 'CRIT ',
};

/** SGR codes: [on, off]. */
const STYLE = {
  dim: ['2', '22'],
  bold: ['1', '22'],
  red: ['31', '39'],
  green: ['32', '39'],
  yellow: ['33', '39'],
  blue: ['34', '39'],
  magenta: ['35', '39'],
  cyan: ['36', '39'],
  critical: ['1;97;41', '0'],
} as const;
type Style = keyof typeof STYLE;

const LEVEL_STYLE: Record<LevelName, Style> = {
  trace: 'dim',
  debug: 'blue',
  info: 'green',
  warning: 'yellow',
  error: 'red',
  critical: 'critical',
};

/** The widest context column kept aligned; a longer tag or source pushes its own line only. */
const MAX_CONTEXT_WIDTH = 24;
/** ANSI colour sequences (SGR) a message may carry on purpose. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: an SGR sequence starts with ESC.
const SGR = /\u001b\[[0-9;]*m/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: an SGR sequence starts with ESC.
const HAS_SGR = /\u001b\[[0-9;]*m/;
/** Control characters that could move the cursor or rewrite the terminal: shown, never obeyed. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Formats records as terminal lines. It keeps the width of the context column
 * seen so far, so the messages of one run line up.
 */
export class PrettyFormatter {
  private contextWidth = 0;

  constructor(private readonly color: boolean) {}

  /** One record's text: its line, then its error's stack and causes, each line ending in `\n`. */
  format(record: LogRecord): string {
    const time = this.paint('dim', clock(record.ts));
    if (record.kind === 'divider') {
      return `${time} ${this.paint('dim', `──── ${this.text(record.msg)} ────`)}\n`;
    }
    const level = this.paint(LEVEL_STYLE[record.level] ?? 'bold', LABELS[record.level] ?? record.level);
    let line = `${time} ${level} ${this.context(record)}${this.message(record)}`;
    const fields = this.fields(record.fields);
    if (fields !== '') line += `  ${fields}`;
    line += '\n';
    if (record.err !== undefined) line += this.error(record.err);
    return line;
  }

  private context(record: LogRecord): string {
    const name = [record.source, record.tag].filter((part) => part !== undefined && part !== '').join('/');
    if (name === '' && this.contextWidth === 0) return '';
    const shown = name === '' ? '' : `[${this.text(name)}]`;
    if (shown.length <= MAX_CONTEXT_WIDTH) this.contextWidth = Math.max(this.contextWidth, shown.length);
    return `${this.paint('cyan', shown)}${' '.repeat(Math.max(0, this.contextWidth - shown.length))} `;
  }

  private message(record: LogRecord): string {
    const msg = this.text(record.msg, true).replace(/\n/g, '\n    ');
    const styled = record.level === 'error' || record.level === 'critical' ? this.paint('bold', msg) : msg;
    // A message's own colours must not bleed into the fields after it.
    return this.color && HAS_SGR.test(record.msg) ? `${styled}\u001b[0m` : styled;
  }

  private fields(fields: Record<string, unknown> | undefined): string {
    if (fields === undefined) return '';
    const parts: string[] = [];
    for (const [key, value] of Object.entries(fields)) {
      parts.push(`${this.paint('dim', `${this.text(key)}=`)}${this.text(fieldValue(value))}`);
    }
    return parts.join(' ');
  }

  private error(err: SerializedError): string {
    let out = '';
    let current: SerializedError | undefined = err;
    for (let depth = 0; current !== undefined; depth++, current = current.cause) {
      const code = current.code === undefined ? '' : ` [${current.code}]`;
      const head = `${depth === 0 ? '' : 'caused by: '}${current.name}: ${current.message}${code}`;
      out += `    ${this.paint('red', this.text(head))}\n`;
      // The stack's first line repeats name and message; its frames follow.
      const frames = (current.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
      for (const frame of frames) out += `    ${this.paint('dim', this.text(`    ${frame.trim()}`))}\n`;
    }
    return out;
  }

  /**
   * Log content made safe for a terminal: control characters shown as `\xNN`
   * rather than obeyed. With `keepColors`, a message's own colour sequences
   * stay when colour is on and go when it is off.
   */
  private text(value: string, keepColors = false): string {
    const colorsHandled = keepColors ? (this.color ? value : value.replace(SGR, '')) : value;
    if (!keepColors || !this.color) return escapeControls(colorsHandled);
    // Colour on: escape everything but the SGR sequences themselves.
    let out = '';
    let from = 0;
    for (const match of colorsHandled.matchAll(SGR)) {
      out += escapeControls(colorsHandled.slice(from, match.index)) + match[0];
      from = match.index + match[0].length;
    }
    return out + escapeControls(colorsHandled.slice(from));
  }

  private paint(style: Style, text: string): string {
    if (!this.color || text === '') return text;
    const [on, off] = STYLE[style];
    return `\u001b[${on}m${text}\u001b[${off}m`;
  }
}

function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A field's value as `key=` shows it: bare when it reads unambiguously, else as JSON. */
export function fieldValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=\\]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return JSON.stringify(value) ?? String(value);
}

/** `HH:MM:SS.mmm` in local time: the terminal's reader is where the program runs. */
function clock(ts: number): string {
  const d = new Date(ts);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** Writes all of `data` to `fd`, waiting out a non-blocking terminal's `EAGAIN` as sonic-boom does. */
function writeAll(fd: number, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    let offset = 0;
    const next = () =>
      write(fd, data, offset, data.length - offset, null, (err, written) => {
        if (err?.code === 'EAGAIN') {
          setTimeout(next, 10);
          return;
        }
        if (err) return reject(err);
        offset += written;
        if (offset < data.length) next();
        else resolve();
      });
    next();
  });
}

/** Makes the output. */
export default function pretty(options: unknown): Output {
  const { color = false, fd = 2 } = (options ?? {}) as PrettyOptions;
  if (typeof color !== 'boolean') throw new TypeError(`pretty: options.color must be true or false, not ${color}`);
  if (!Number.isInteger(fd) || fd < 0) throw new TypeError(`pretty: options.fd must be a file descriptor, not ${fd}`);
  const formatter = new PrettyFormatter(color);
  return {
    write(batch: OutputBatch) {
      let text = '';
      for (const record of batch.records()) text += formatter.format(record);
      return writeAll(fd, Buffer.from(text));
    },
  };
}
