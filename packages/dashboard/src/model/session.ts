import { batch, signal } from '@preact/signals';
import type {
  Checkpoint,
  EndMessage,
  GapMessage,
  HubStats,
  LevelName,
  LogRecord,
  ServerMessage,
  SessionInfo,
} from '@pulselog/shared';
import { NumericColumns } from '../core/columns.js';
import { levelCode } from '../core/filter.js';
import { searchText } from '../core/text.js';
import { TextIndex } from '../core/textindex.js';
import { SecondCounts } from '../core/timeline.js';
import { frameThrottle } from './frame.js';

/** Counts of records per level. */
export type LevelCounts = Record<LevelName, number>;

/** Zero records of every level. */
export const zeroCounts = (): LevelCounts => ({ debug: 0, info: 0, warning: 0, error: 0, critical: 0 });

/** Shortest time between two redraws caused by arriving records. */
const UPDATE_MS = 80;

/** Where a session shown on the page comes from. */
export type SessionSource = 'live' | 'stored' | 'imported';

/**
 * Everything the page knows about one session. Records live in a plain array
 * (a million of them must not be copied per batch) beside their search text;
 * `version` changes at most once per frame when they grow, which is what
 * components subscribe to.
 */
export class SessionModel {
  readonly records: LogRecord[] = [];
  /** Lower-cased search text of each record, computed once on arrival. */
  readonly texts = new TextIndex();
  /** Each record's level code (`levelCode`), a column scanned without touching the records. */
  levelCodes = new Uint8Array(1024);
  /** Each record's time, likewise. */
  times = new Float64Array(1024);
  /** Numbers of the fields filters ask about, as columns. */
  readonly numeric = new NumericColumns();
  /** Record counts per second, for the timeline. */
  readonly seconds = new SecondCounts();
  readonly version = signal(0);
  readonly info = signal<SessionInfo | undefined>(undefined);
  readonly checkpoints = signal<ReadonlyMap<string, Checkpoint>>(new Map());
  readonly stats = signal<HubStats | undefined>(undefined);
  readonly gaps = signal<readonly GapMessage[]>([]);
  readonly ended = signal<EndMessage | undefined>(undefined);
  readonly counts = signal<LevelCounts>(zeroCounts());
  /** Raised whenever the records are replaced rather than appended to. */
  generation = 0;
  private readonly liveCounts = zeroCounts();
  private readonly listeners = new Set<(records: readonly LogRecord[], message?: ServerMessage) => void>();
  private readonly tick = frameThrottle(() => {
    batch(() => {
      this.counts.value = { ...this.liveCounts };
      this.version.value = this.version.peek() + 1;
    });
  }, UPDATE_MS);

  constructor(readonly source: SessionSource = 'live') {}

  /** Sequence number of the newest record held. */
  get lastSeq(): number {
    const last = this.records[this.records.length - 1];
    return last ? last.seq : 0;
  }

  /** Records held, whatever their level. */
  get size(): number {
    return this.records.length;
  }

  /**
   * Calls `fn` with every batch of new records and every other message applied
   * (persistence listens here); returns the cleanup.
   */
  listen(fn: (records: readonly LogRecord[], message?: ServerMessage) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Applies one message from the server. */
  apply(message: ServerMessage): void {
    switch (message.type) {
      case 'hello':
        if (this.info.value?.id !== message.session.id) this.reset(message.session);
        break;
      case 'batch':
        this.append(message.records);
        return;
      case 'checkpoint': {
        const next = new Map(this.checkpoints.value);
        if (message.op === 'upsert') next.set(message.checkpoint.name, message.checkpoint);
        else next.delete(message.name);
        this.checkpoints.value = next;
        break;
      }
      case 'stats':
        this.stats.value = message.stats;
        return;
      case 'gap':
        this.gaps.value = [...this.gaps.value, message];
        break;
      case 'end':
        this.ended.value = message;
        break;
    }
    for (const fn of this.listeners) fn([], message);
  }

  /** Replaces everything with a stored or imported session. */
  load(info: SessionInfo, checkpoints: Iterable<Checkpoint>, end: EndMessage | undefined): void {
    this.reset(info);
    this.checkpoints.value = new Map([...checkpoints].map((c) => [c.name, c]));
    this.ended.value = end;
  }

  /** Adds records in ascending `seq` order; ones already held are skipped. */
  append(records: readonly LogRecord[]): void {
    let last = this.lastSeq;
    const counts = this.liveCounts;
    const start = this.records.length;
    for (const record of records) {
      // The hub never repeats a record on one connection; this guards reconnect races.
      if (record.seq <= last) continue;
      last = record.seq;
      const index = this.records.length;
      if (index === this.times.length) this.grow();
      this.levelCodes[index] = levelCode(record);
      this.times[index] = record.ts;
      this.records.push(record);
      this.texts.add(searchText(record));
      if (record.kind !== 'divider') {
        counts[record.level]++;
        this.seconds.add(record.ts, record.level);
      } else this.seconds.touch(record.ts);
    }
    if (this.records.length === start) return;
    this.tick.request();
    if (this.listeners.size > 0) {
      const added = start === 0 && this.records.length === records.length ? records : this.records.slice(start);
      for (const fn of this.listeners) fn(added);
    }
  }

  /** Index of the record with sequence number `seq`, or of the first one after it. */
  indexOfSeq(seq: number): number {
    let lo = 0;
    let hi = this.records.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.records[mid]?.seq ?? 0) < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private grow(): void {
    const codes = new Uint8Array(this.levelCodes.length * 2);
    codes.set(this.levelCodes);
    this.levelCodes = codes;
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    this.times = times;
  }

  private reset(session: SessionInfo): void {
    this.tick.cancel();
    this.generation++;
    this.records.length = 0;
    this.texts.clear();
    this.numeric.clear();
    this.seconds.clear();
    Object.assign(this.liveCounts, zeroCounts());
    batch(() => {
      this.info.value = session;
      this.checkpoints.value = new Map();
      this.gaps.value = [];
      this.ended.value = undefined;
      this.counts.value = zeroCounts();
      this.version.value = this.version.peek() + 1;
    });
  }
}
