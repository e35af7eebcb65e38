/**
 * What a joining logger and the dashboard hub say to each other over the
 * `/join` WebSocket:
 *
 *   joiner's pipeline thread                       dashboard hub thread
 *     { type: 'join', name, pid, thread } ──────▶  a source: `name[pid]`, `name[pid:thread]`
 *     record lines, as the session file has them ─▶ times and tails (+ source) ──▶ logging thread
 *     a drop note ({"type":"gap",…})  ───────────▶  a warning record of that source
 *                              ◀────────────────── { type: 'ack', messages } once handed on
 *
 * Every message is text. Record lines are sent as the pipeline formatted
 * them (`{"seq":N,"ts":T,…}\n` each); the joiner's seq numbers stay behind:
 * the dashboard's logger numbers them anew, in the order they arrive.
 */

/** First message of a joiner: who it is. */
export interface JoinHello {
  type: 'join';
  /** The logger's name. */
  name: string;
  /** Its process id. */
  pid: number;
  /** Its `worker_threads` thread id; 0 on the main thread. */
  thread: number;
}

/** The hub's answer: how many of the joiner's messages after its hello it has handed on, in all. */
export interface JoinAck {
  type: 'ack';
  messages: number;
}

/** Largest message a joiner may send, in bytes: a batch (1,024 records, 48 K characters as sent, see `BATCH_CHARS`), or one record of 16 MiB strings. */
export const MAX_JOIN_MESSAGE_BYTES = 128 * 1024 * 1024;

/** The source name of a joiner: `name[pid]` on a main thread, `name[pid:thread]` in a worker. */
export function sourceName(hello: JoinHello): string {
  return hello.thread === 0 ? `${hello.name}[${hello.pid}]` : `${hello.name}[${hello.pid}:${hello.thread}]`;
}

/** Parses a joiner's first message, or says why it is refused. */
export function parseJoinHello(text: string): JoinHello | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return 'the first message is not JSON';
  }
  const hello = data as Partial<JoinHello>;
  if (typeof data !== 'object' || data === null || hello.type !== 'join') return 'the first message is not a join';
  if (typeof hello.name !== 'string' || hello.name.length === 0 || hello.name.length > 200) return 'bad name';
  if (!Number.isSafeInteger(hello.pid) || (hello.pid as number) < 0) return 'bad pid';
  if (!Number.isSafeInteger(hello.thread) || (hello.thread as number) < 0) return 'bad thread';
  return { type: 'join', name: hello.name, pid: hello.pid as number, thread: hello.thread as number };
}

const TS_KEY = ',"ts":';

/**
 * Splits record lines (`{"seq":N,"ts":T<tail>` each) into times and tails,
 * adding `,"source":…` to each tail: the form `Logger[INGEST]` queues. A line
 * that is not a record of that form is skipped and counted in `bad`.
 */
export function joinedRecords(text: string, sourceJson: string): { times: Float64Array; tails: string[]; bad: number } {
  const tails: string[] = [];
  const times: number[] = [];
  let bad = 0;
  let from = 0;
  while (from < text.length) {
    let to = text.indexOf('\n', from);
    if (to < 0) to = text.length;
    const at = text.indexOf(TS_KEY, from);
    // The tail starts where the time's digits end; the line ends with the record's closing brace.
    let end = at + TS_KEY.length;
    while (end < to && isNumberChar(text.charCodeAt(end))) end++;
    const ts = at < 0 || at > to ? Number.NaN : Number(text.slice(at + TS_KEY.length, end));
    if (!text.startsWith('{"seq":', from) || !Number.isFinite(ts) || text.charCodeAt(to - 1) !== 125 || end >= to) {
      if (to > from) bad++;
    } else {
      times.push(ts);
      tails.push(`${text.slice(end, to - 1)},"source":${sourceJson}}`);
    }
    from = to + 1;
  }
  return { times: Float64Array.from(times), tails, bad };
}

function isNumberChar(code: number): boolean {
  // 0-9, '.', '-', '+', 'e', 'E'
  return (code >= 48 && code <= 57) || code === 46 || code === 45 || code === 43 || code === 101 || code === 69;
}

/** The tail of a warning record telling of records a joiner dropped (its queue overflowed). */
export function dropNoteTail(count: number, sourceJson: string): string {
  return `,"level":"warning","msg":"${count} record(s) dropped by this source (its queue was full)","fields":{"dropped":${count}},"source":${sourceJson}}`;
}
