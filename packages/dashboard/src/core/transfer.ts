import {
  type Checkpoint,
  type CheckpointSummary,
  type EndMessage,
  type GapMessage,
  isCheckpoint,
  isLogRecord,
  type LogRecord,
  type SessionInfo,
} from '@pulselog/shared';
import { jsonText } from '@pulselog/shared/query';

import { linesAsList } from './pack.js';

/** Format name written into exported files. */
export const EXPORT_FORMAT = 'pulselog-session';

/** A whole session as the dashboard exports and imports it. */
export interface SessionDump {
  /** Facts about the session. */
  meta: {
    session: SessionInfo;
    /** How the session ended, when it did. */
    end?: EndMessage;
    /** When the file was written. */
    exportedAt?: number;
    /** The search text, when only the filtered view was exported. */
    filter?: string;
    /** Records the session is known to miss, and why. */
    gaps?: GapMessage[];
  };
  records: LogRecord[];
  /** Checkpoints, or their summaries when the data stayed with the logger's hub. */
  checkpoints: (Checkpoint | CheckpointSummary)[];
}

/** A session to export: its records as the JSON lines the page keeps them in. */
export interface SessionExport {
  meta: SessionDump['meta'];
  /** The records' JSON lines, in pieces of whole lines. */
  lines: readonly string[];
  checkpoints: SessionDump['checkpoints'];
}

/**
 * The JSON text of an export, in parts to join or to hand to a `Blob`: the
 * records' text goes in as the page keeps it, never parsed and written again.
 */
export function exportJson(session: SessionExport): string[] {
  const head = JSON.stringify({ format: EXPORT_FORMAT, version: 1, meta: { ...session.meta, exportedAt: Date.now() } });
  const parts = [`${head.slice(0, -1)},"records":[`];
  for (const piece of session.lines) {
    if (piece === '') continue;
    if (parts.length > 1) parts.push(',');
    parts.push(linesAsList(piece));
  }
  parts.push(`],"checkpoints":${jsonText(session.checkpoints)}}`);
  return parts;
}

/** Result of reading a file: the session, or why it could not be read. */
export type ImportResult = { ok: true; dump: SessionDump; skipped: number } | { ok: false; reason: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asSession(value: unknown, fallbackName: string): SessionInfo | undefined {
  if (!isObject(value)) return undefined;
  if (typeof value.id !== 'string' && typeof value.name !== 'string') return undefined;
  const name = typeof value.name === 'string' ? value.name : fallbackName;
  const startedAt = typeof value.startedAt === 'number' ? value.startedAt : 0;
  return {
    id: typeof value.id === 'string' ? value.id : `${name}-${startedAt}`,
    name,
    pid: typeof value.pid === 'number' ? value.pid : 0,
    host: typeof value.host === 'string' ? value.host : '',
    startedAt,
    versions: isObject(value.versions)
      ? (value.versions as SessionInfo['versions'])
      : { pulselog: '', node: '', protocol: 1 },
  };
}

function isGap(value: unknown): value is GapMessage {
  if (!isObject(value)) return false;
  const seq = (x: unknown) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
  return (
    seq(value.from) &&
    seq(value.to) &&
    seq(value.count) &&
    (value.reason === 'dropped' || value.reason === 'evicted' || value.reason === 'skipped')
  );
}

function asEnd(value: Record<string, unknown>): EndMessage | undefined {
  if (typeof value.reason !== 'string' || typeof value.at !== 'number') return undefined;
  return value as unknown as EndMessage;
}

function finish(
  session: SessionInfo | undefined,
  records: LogRecord[],
  checkpoints: Map<string, Checkpoint>,
  end: EndMessage | undefined,
  skipped: number,
  fileName: string,
  gaps: GapMessage[] = [],
): ImportResult {
  if (!session && records.length === 0) return { ok: false, reason: 'no pulselog records found in the file' };
  records.sort((a, b) => a.seq - b.seq);
  // A session holds one record per sequence number; a file repeating one keeps its first.
  let kept = 0;
  for (const record of records) {
    if (kept > 0 && (records[kept - 1] as LogRecord).seq === record.seq) continue;
    records[kept++] = record;
  }
  skipped += records.length - kept;
  records.length = kept;
  const first = records[0];
  const meta: SessionDump['meta'] = {
    session: session ?? {
      id: `import-${fileName}-${first?.ts ?? 0}`,
      name: fileName.replace(/\.(nd)?json$/i, ''),
      pid: 0,
      host: '',
      startedAt: first?.ts ?? 0,
      versions: { pulselog: '', node: '', protocol: 1 },
    },
  };
  if (end) meta.end = end;
  if (gaps.length > 0) meta.gaps = gaps;
  return { ok: true, dump: { meta, records, checkpoints: [...checkpoints.values()] }, skipped };
}

function fromExport(data: Record<string, unknown>, fileName: string): ImportResult {
  if (!Array.isArray(data.records)) return { ok: false, reason: 'the file has no records array' };
  const meta = isObject(data.meta) ? data.meta : {};
  const records = data.records.filter(isLogRecord);
  const checkpoints = new Map<string, Checkpoint>();
  if (Array.isArray(data.checkpoints))
    for (const c of data.checkpoints) if (isCheckpoint(c)) checkpoints.set(c.name, c);
  const end = isObject(meta.end) ? asEnd(meta.end) : undefined;
  const skipped = data.records.length - records.length;
  const gaps = Array.isArray(meta.gaps) ? meta.gaps.filter(isGap) : [];
  return finish(asSession(meta.session, fileName), records, checkpoints, end, skipped, fileName, gaps);
}

/**
 * Reads a session line by line, as the logger's recorder writes it: a header
 * (`{"type":"session","session":…}`), then records, checkpoint messages,
 * gaps and the end. Lines it does not understand are counted as skipped,
 * never trusted.
 */
function fromNdjson(text: string, fileName: string): ImportResult {
  let session: SessionInfo | undefined;
  let end: EndMessage | undefined;
  const records: LogRecord[] = [];
  const checkpoints = new Map<string, Checkpoint>();
  const gaps: GapMessage[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch {
      skipped++;
      continue;
    }
    if (!isObject(data)) {
      skipped++;
      continue;
    }
    if (isLogRecord(data) && data.type === undefined) {
      records.push(data);
      continue;
    }
    const type = data.type;
    if (type === 'checkpoint') {
      if (isCheckpoint(data.checkpoint)) checkpoints.set(data.checkpoint.name, data.checkpoint);
      else if (data.op === 'delete' && typeof data.name === 'string') checkpoints.delete(data.name);
      else skipped++;
    } else if (type === 'gap') {
      if (isGap(data)) gaps.push({ ...data, type: 'gap' });
      else skipped++;
    } else if (type === 'end') {
      end = asEnd(data);
      if (!end) skipped++;
    } else if (type === 'session' && !session) {
      session = asSession(data.session, fileName);
      if (!session) skipped++;
    } else skipped++;
  }
  return finish(session, records, checkpoints, end, skipped, fileName, gaps);
}

/** Reads an exported `.json` file or a recorder `.ndjson` file. */
export function importSession(text: string, fileName: string): ImportResult {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      const data: unknown = JSON.parse(trimmed);
      if (isObject(data) && data.format === EXPORT_FORMAT) return fromExport(data, fileName);
    } catch {
      // Not one JSON document: read it as one object per line.
    }
  }
  return fromNdjson(text, fileName);
}
