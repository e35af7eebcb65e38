import { LEVEL_NAMES, type LevelName, type LogRecord } from '@pulselog/shared';
import { ALL, compileFilter, searchText } from '@pulselog/shared/query';
import type { SessionVisitor } from './session-reader.js';

/**
 * The answers `pulselog mcp` gives about one session: records found with
 * the dashboard's query language, one record whole, and a summary. Each reads
 * the session once, streaming (a recording, or a running dashboard), and
 * returns plain JSON-safe objects sized for an assistant's context: long
 * messages and fields are cut, pages are bounded.
 */

/** Reads a session from its start, handing each line to the visitor (`readSession`, `readLiveSession`). */
export type SessionRead = (visitor: SessionVisitor) => Promise<void>;

/** Most records one search returns. */
export const MAX_PAGE = 200;
/** Characters of a message or field value shown in a search result before it is cut. */
const SHOWN_CHARS = 500;

/** A record as a search lists it: the essentials, long text cut. */
export interface FoundRecord {
  seq: number;
  time: string;
  level: LevelName;
  msg: string;
  source?: string;
  tag?: string;
  fields?: Record<string, unknown>;
  error?: string;
}

/** One page of a search. */
export interface SearchPage {
  records: FoundRecord[];
  /** Pass as `after` for the next page; absent when this was the last. */
  next?: number;
  /** Set when the query could not be read (it then matches everything, as in the page). */
  queryError?: string;
}

/** What a search is asked. */
export interface SearchRequest {
  query?: string;
  /** Earliest and latest time, ms since the epoch. */
  from?: number;
  to?: number;
  /** Only records after this sequence number (paging). */
  after?: number;
  limit?: number;
}

const cut = (text: string, max = SHOWN_CHARS) =>
  text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;

function shownFields(fields: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!fields) return undefined;
  const out: Record<string, unknown> = {};
  for (const key in fields) {
    const value = fields[key];
    if (typeof value === 'string') out[key] = cut(value, 200);
    else if (value !== null && typeof value === 'object') {
      const text = JSON.stringify(value);
      out[key] = text.length > 200 ? cut(text, 200) : value;
    } else out[key] = value;
  }
  return out;
}

/** `record` as a search result. */
export function found(record: LogRecord): FoundRecord {
  const out: FoundRecord = {
    seq: record.seq,
    time: new Date(record.ts).toISOString(),
    level: record.level,
    msg: cut(record.msg),
  };
  if (record.source) out.source = record.source;
  if (record.tag) out.tag = record.tag;
  const fields = shownFields(record.fields);
  if (fields) out.fields = fields;
  if (record.err) out.error = `${record.err.name}: ${cut(record.err.message, 300)}`;
  return out;
}

/** Records of the session matching the request, oldest first, one page. */
export async function searchSession(read: SessionRead, request: SearchRequest): Promise<SearchPage> {
  const limit = Math.max(1, Math.min(MAX_PAGE, Math.floor(request.limit ?? 50)));
  const filter = compileFilter({ ...ALL, query: request.query ?? '', from: request.from, to: request.to });
  const after = request.after ?? 0;
  const records: FoundRecord[] = [];
  let more = false;
  await read({
    record(record) {
      if (record.seq <= after || record.kind === 'divider') return true;
      if (!filter.test(record, () => searchText(record))) return true;
      if (records.length === limit) {
        more = true;
        return false;
      }
      records.push(found(record));
      return true;
    },
  });
  const page: SearchPage = { records };
  if (more) page.next = records.at(-1)?.seq;
  if (filter.query.error) page.queryError = filter.query.error.message;
  return page;
}

/** Record `seq` of the session whole, or `undefined`. */
export async function recordOf(read: SessionRead, seq: number): Promise<LogRecord | undefined> {
  let hit: LogRecord | undefined;
  await read({
    record(record) {
      if (record.seq === seq) hit = record;
      return hit === undefined && record.seq < seq;
    },
  });
  return hit;
}

/** What `summarizeSession` tells. */
export interface SessionSummary {
  session?: { name: string; pid: number; host: string; startedAt: string };
  records: number;
  first?: string;
  last?: string;
  byLevel: Partial<Record<LevelName, number>>;
  bySource: Record<string, number>;
  topErrors: { message: string; count: number; firstSeq: number; lastSeq: number }[];
  spans: {
    name: string;
    calls: number;
    medianMs: number;
    p95Ms: number;
    maxMs: number;
    maxSeq: number;
    anomalies: number;
  }[];
  checkpoints: { name: string; status?: string; progress?: number; note?: string; savedAt: string }[];
  gaps: { count: number; records: number };
  ended?: { reason: string; at: string };
}

/** An error message with the numbers and ids that differ between occurrences blanked, so alike errors count as one. */
export function errorShape(text: string): string {
  return text
    .replace(/\b[0-9a-f]{8,}\b/gi, '<id>')
    .replace(/\d+(\.\d+)?/g, '#')
    .slice(0, 200);
}

const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;

/** Durations kept per span name for the summary's medians, bounded. */
const SPAN_SAMPLES = 10_000;

/** Counts, top errors, spans, checkpoints and gaps of the session, in one pass. */
export async function summarizeSession(read: SessionRead): Promise<SessionSummary> {
  const summary: SessionSummary = {
    records: 0,
    byLevel: {},
    bySource: {},
    topErrors: [],
    spans: [],
    checkpoints: [],
    gaps: { count: 0, records: 0 },
  };
  const errors = new Map<string, { message: string; count: number; firstSeq: number; lastSeq: number }>();
  const spans = new Map<
    string,
    { durations: number[]; calls: number; maxMs: number; maxSeq: number; anomalies: number }
  >();
  const checkpoints = new Map<string, SessionSummary['checkpoints'][number]>();
  let first: number | undefined;
  let last: number | undefined;
  await read({
    header(session) {
      summary.session = {
        name: session.name,
        pid: session.pid,
        host: session.host,
        startedAt: new Date(session.startedAt).toISOString(),
      };
    },
    record(record) {
      if (record.kind === 'divider') return true;
      summary.records++;
      first ??= record.ts;
      last = record.ts;
      summary.byLevel[record.level] = (summary.byLevel[record.level] ?? 0) + 1;
      if (record.source) summary.bySource[record.source] = (summary.bySource[record.source] ?? 0) + 1;
      if (record.level === 'error' || record.level === 'critical') {
        const message = record.err ? `${record.msg} (${record.err.name}: ${record.err.message})` : record.msg;
        const shape = errorShape(message);
        const known = errors.get(shape);
        if (known) {
          known.count++;
          known.lastSeq = record.seq;
        } else
          errors.set(shape, { message: message.slice(0, 300), count: 1, firstSeq: record.seq, lastSeq: record.seq });
      }
      const name = record.fields?.span;
      const ms = record.fields?.duration_ms;
      if (typeof name === 'string' && typeof ms === 'number') {
        let span = spans.get(name);
        if (!span) {
          span = { durations: [], calls: 0, maxMs: ms, maxSeq: record.seq, anomalies: 0 };
          spans.set(name, span);
        }
        span.calls++;
        if (span.durations.length < SPAN_SAMPLES) span.durations.push(ms);
        if (ms >= span.maxMs) {
          span.maxMs = ms;
          span.maxSeq = record.seq;
        }
        if (record.fields?.anomaly !== undefined) span.anomalies++;
      }
      return true;
    },
    checkpoint(checkpoint, op) {
      if (op === 'delete') checkpoints.delete(checkpoint.name);
      else {
        checkpoints.set(checkpoint.name, {
          name: checkpoint.name,
          status: checkpoint.status,
          progress: checkpoint.progress,
          note: checkpoint.note,
          savedAt: new Date(checkpoint.ts).toISOString(),
        });
      }
    },
    other(line) {
      if (line.type === 'gap') {
        summary.gaps.count++;
        summary.gaps.records += typeof line.count === 'number' ? line.count : 0;
      } else if (line.type === 'end') {
        summary.ended = { reason: String(line.reason), at: new Date(Number(line.at)).toISOString() };
      }
    },
  });
  if (first !== undefined) summary.first = new Date(first).toISOString();
  if (last !== undefined) summary.last = new Date(last).toISOString();
  summary.byLevel = Object.fromEntries(
    LEVEL_NAMES.filter((l) => summary.byLevel[l]).map((l) => [l, summary.byLevel[l]]),
  );
  summary.topErrors = [...errors.values()].sort((a, b) => b.count - a.count).slice(0, 10);
  summary.spans = [...spans]
    .map(([name, s]) => {
      const sorted = s.durations.sort((a, b) => a - b);
      return {
        name,
        calls: s.calls,
        medianMs: quantile(sorted, 0.5),
        p95Ms: quantile(sorted, 0.95),
        maxMs: s.maxMs,
        maxSeq: s.maxSeq,
        anomalies: s.anomalies,
      };
    })
    .sort((a, b) => b.maxMs - a.maxMs)
    .slice(0, 10);
  summary.checkpoints = [...checkpoints.values()];
  return summary;
}
