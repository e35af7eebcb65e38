/**
 * `pulselog view FILE...`: recorded session files in a dashboard that
 * records nothing itself. Files are streamed in chunk by chunk (never
 * loaded whole), several merged by time, so the first rows show while the
 * rest is still being read.
 */
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { INGEST } from '../ingest.js';
import { type SessionRecord, sessionHeader, sessionRecord } from '../lines/session.js';
import { LineSplitter } from '../lines/split.js';
import type { Logger } from '../logger.js';
import { commandLogger, readArgs, UsageError, untilInterrupted } from './common.js';
import { roomInQueues } from './feed.js';

/** `pulselog view --help`. */
export const VIEW_HELP = `Usage: pulselog view [options] FILE...

Opens recorded session files (.pulselog/sessions/*.ndjson) in a dashboard
that records nothing itself. Several files are merged by time, each a source
named after its file. Files are streamed in, so the first rows show at once
however large they are. Ctrl-C stops.

Options:
  -h, --help   print this help

Settings: PULSELOG_PORT, PULSELOG_OPEN, ... (see the README).
`;

/** Records handed to the logger at a time. */
const BATCH = 4096;
/** Longest line read: a record's strings are whole up to 16 MiB each. */
const MAX_SESSION_LINE = 256 * 1024 * 1024;

/** Lines of a file that were neither a record nor another line a session file has. */
interface Counts {
  records: number;
  foreign: number;
}

/** The session name in a file's first line, or `undefined`. */
function headerName(path: string): string | undefined {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    const first = buffer.subarray(0, n).toString('utf8').split('\n', 1)[0] ?? '';
    return sessionHeader(first)?.name;
  } finally {
    closeSync(fd);
  }
}

/** A file's records, a chunk's worth at a time. */
async function* readRecords(path: string, source: string, counts: Counts): AsyncGenerator<SessionRecord[]> {
  const splitter = new LineSplitter(MAX_SESSION_LINE);
  const toRecords = (lines: { text: string }[]) => {
    const out: SessionRecord[] = [];
    for (const { text } of lines) {
      const record = sessionRecord(text, source);
      if (record !== undefined) out.push(record);
      else if (!text.startsWith('{"type":') && text !== '') counts.foreign++;
    }
    counts.records += out.length;
    return out;
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    yield toRecords(splitter.push(chunk as Buffer));
  }
  const last = splitter.end();
  if (last !== undefined) yield toRecords([last]);
}

/** A file being read: its records of the current chunk and where the merge is in them. */
interface Cursor {
  records: SessionRecord[];
  at: number;
  iterator: AsyncGenerator<SessionRecord[]>;
  done: boolean;
}

async function refill(cursor: Cursor): Promise<void> {
  while (cursor.at >= cursor.records.length && !cursor.done) {
    const next = await cursor.iterator.next();
    if (next.done) cursor.done = true;
    else {
      cursor.records = next.value;
      cursor.at = 0;
    }
  }
}

/**
 * Streams the files' records into `log`, merged by time: a file's records
 * are taken while they are no later than the next of any other file's.
 */
export async function streamSessions(
  log: Logger,
  files: readonly { path: string; source: string }[],
  counts: Counts,
  stopped: () => boolean,
): Promise<void> {
  const ingest = log[INGEST]('view');
  const cursors: Cursor[] = files.map(({ path, source }) => ({
    records: [],
    at: 0,
    iterator: readRecords(path, source, counts),
    done: false,
  }));
  let times: number[] = [];
  let tails: string[] = [];
  const send = async () => {
    if (tails.length === 0) return;
    ingest(times, tails);
    times = [];
    tails = [];
    await roomInQueues(log);
  };
  for (;;) {
    if (stopped()) return;
    await Promise.all(cursors.map(refill));
    let first: Cursor | undefined;
    let next = Number.POSITIVE_INFINITY;
    for (const cursor of cursors) {
      if (cursor.at >= cursor.records.length) continue;
      const time = (cursor.records[cursor.at] as SessionRecord).time;
      if (first === undefined || time < (first.records[first.at] as SessionRecord).time) {
        if (first !== undefined) next = Math.min(next, (first.records[first.at] as SessionRecord).time);
        first = cursor;
      } else next = Math.min(next, time);
    }
    if (first === undefined) break;
    const { records } = first;
    while (first.at < records.length) {
      const record = records[first.at] as SessionRecord;
      if (record.time > next) break;
      times.push(record.time);
      tails.push(record.tail);
      first.at++;
      if (tails.length >= BATCH) await send();
    }
    // A file's chunk is done, or another file's record comes first: what is taken so far may go.
    if (tails.length >= BATCH / 4) await send();
  }
  await send();
}

/** Runs the viewer until Ctrl-C; resolves with the exit code. */
export async function viewCommand(argv: string[]): Promise<number> {
  const { values, positionals } = readArgs('pulselog view', () =>
    parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true }),
  );
  if (values.help) {
    process.stdout.write(VIEW_HELP);
    return 0;
  }
  if (positionals.length === 0)
    throw new UsageError('pulselog view', 'name a session file: pulselog view .pulselog/sessions/app-….ndjson');
  for (const path of positionals) {
    let isFile = false;
    try {
      isFile = statSync(path).isFile();
    } catch (err) {
      throw new Error(
        `pulselog view: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
    if (!isFile) throw new Error(`pulselog view: ${path} is not a file`);
  }
  const files = positionals.map((path) => ({ path, source: basename(path).replace(/\.ndjson$/, '') }));
  const single = files.length === 1 ? headerName(positionals[0] as string) : undefined;
  // Read-only: the files are the record; viewing them writes no session of its own.
  const log = commandLogger(`view ${single ?? `${files.length} sessions`}`, { sessionDir: false });
  if ((await log.dashboardUrl()) === undefined) {
    await log.shutdown();
    throw new Error('pulselog view: the dashboard did not start (PULSELOG_DASHBOARD off, or CI set?); view needs it');
  }
  const interrupt = untilInterrupted();
  let stopped = false;
  void interrupt.signal.then(() => {
    stopped = true;
  });
  const counts: Counts = { records: 0, foreign: 0 };
  await streamSessions(log, files, counts, () => stopped);
  if (!stopped) {
    if (counts.foreign > 0) {
      process.stderr.write(`pulselog view: ${counts.foreign} lines were not session records and were skipped\n`);
    }
    process.stderr.write(
      `pulselog view: ${counts.records} records from ${files.length} file${files.length === 1 ? '' : 's'}; the dashboard stays up until Ctrl-C\n`,
    );
    await interrupt.signal;
  }
  await log.shutdown();
  return 0;
}
