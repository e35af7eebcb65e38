/**
 * Lines of a recorded session file (`.pulselog/sessions/*.ndjson`) read
 * back: the header, and each record's time and line tail, taken by slicing
 * (a record line is `{"seq":N,"ts":T` and its tail, as `batch/packed.ts`
 * writes it), so a file of a million records is read without parsing them.
 */

const RECORD_HEAD = '{"seq":';
const TS_KEY = ',"ts":';
const LEVEL_HEAD = ',"level":"';

/** A record line of a session file: its time (ms since the epoch) and its tail, `source` added when it had none. */
export interface SessionRecord {
  time: number;
  tail: string;
}

/**
 * A session file's line as a record, or `undefined` for every other line
 * (the header, checkpoints, gaps, the end) and for a line that is not one
 * of ours. A record that has no `source` gets `source`.
 */
export function sessionRecord(line: string, source: string | undefined): SessionRecord | undefined {
  if (!line.startsWith(RECORD_HEAD)) return undefined;
  const tsAt = line.indexOf(TS_KEY, RECORD_HEAD.length);
  if (tsAt < 0) return undefined;
  const from = tsAt + TS_KEY.length;
  let to = from;
  while (to < line.length) {
    const c = line.charCodeAt(to);
    // Digits, '.', '-', 'e', '+': the number's characters.
    if ((c >= 48 && c <= 57) || c === 46 || c === 45 || c === 101 || c === 43) to++;
    else break;
  }
  const time = Number(line.slice(from, to));
  if (!Number.isFinite(time) || !line.startsWith(LEVEL_HEAD, to) || line.charCodeAt(line.length - 1) !== 125) {
    return undefined;
  }
  const tail = line.slice(to);
  if (source === undefined || tail.includes(',"source":')) return { time, tail };
  const levelEnd = tail.indexOf('"', LEVEL_HEAD.length);
  if (levelEnd < 0) return undefined;
  return {
    time,
    tail: `${tail.slice(0, levelEnd + 1)},"source":${JSON.stringify(source)}${tail.slice(levelEnd + 1)}`,
  };
}

/** The session a header line describes (`{"type":"session",…}`), or `undefined` when the line is not a header. */
export function sessionHeader(line: string): { name: string } | undefined {
  if (!line.startsWith('{"type":"session"')) return undefined;
  try {
    const header = JSON.parse(line) as { session?: { name?: unknown } };
    const name = header.session?.name;
    return typeof name === 'string' ? { name } : undefined;
  } catch {
    return undefined;
  }
}
