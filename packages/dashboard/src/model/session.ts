import { batch, signal } from '@preact/signals';
import {
  type Checkpoint,
  type CheckpointSummary,
  type EndMessage,
  type GapMessage,
  type HubStats,
  LEVEL_NAMES,
  type LevelName,
  type LogRecord,
  type SessionInfo,
} from '@pulselog/shared';
import { HealthSeries } from '../core/health.js';
import type { Incoming, PlainMessage } from '../core/incoming.js';
import { type PackedRecords, slicePacked } from '../core/pack.js';
import { ProfileStore } from '../core/profile.js';
import { RecordStore } from '../core/records.js';
import { SecondCounts } from '../core/timeline.js';
import { updateThrottle } from './frame.js';

/** Counts of records per level. */
export type LevelCounts = Record<LevelName, number>;

/** Zero records of every level. */
export const zeroCounts = (): LevelCounts => ({ trace: 0, debug: 0, info: 0, warning: 0, error: 0, critical: 0 });

/** Shortest time between two redraws caused by arriving records. */
const UPDATE_MS = 80;
/**
 * The same while a flood of records streams in (more than `FLOOD_RATE` a
 * second until the last redraw): rows then pass too fast to read anyway, and
 * each redraw of a whole screen of new rows is the page's costliest task.
 */
const FLOOD_UPDATE_MS = 200;
const FLOOD_RATE = 10_000;

/** A checkpoint as the page holds it: whole (stored, imported, older hubs), or its summary, the data fetched on demand. */
export type ShownCheckpoint = Checkpoint | CheckpointSummary;

/** Shortest time between two redraws caused by checkpoint changes: a tab that connects gets them all at once. */
const CHECKPOINT_UPDATE_MS = 50;

/** Shortest time between two redraws caused by health or profile data. */
const INSIGHT_UPDATE_MS = 250;

/** Where a session shown on the page comes from. */
export type SessionSource = 'live' | 'stored' | 'imported';

/** Called with every run of new records, or with every other message applied. */
export type SessionListener = (added: PackedRecords | undefined, message?: PlainMessage) => void;

/**
 * Everything the page knows about one session. Records are kept packed
 * (`RecordStore`) and become objects only when shown; `version` changes at
 * most once per frame when they grow, which is what components subscribe to.
 */
export class SessionModel {
  /** The records, packed. */
  readonly store = new RecordStore();
  /** Record counts per second, for the timeline. */
  readonly seconds = new SecondCounts();
  readonly version = signal(0);
  readonly info = signal<SessionInfo | undefined>(undefined);
  readonly checkpoints = signal<ReadonlyMap<string, ShownCheckpoint>>(new Map());
  /** The checkpoints as changed so far; `checkpoints` follows at most every `CHECKPOINT_UPDATE_MS`. */
  private readonly checkpointMap = new Map<string, ShownCheckpoint>();
  private readonly checkpointTick = updateThrottle(() => {
    this.checkpoints.value = new Map(this.checkpointMap);
  }, CHECKPOINT_UPDATE_MS);
  readonly stats = signal<HubStats | undefined>(undefined);
  readonly gaps = signal<readonly GapMessage[]>([]);
  readonly ended = signal<EndMessage | undefined>(undefined);
  readonly counts = signal<LevelCounts>(zeroCounts());
  /** The process's health samples (`health` messages). */
  readonly health = new HealthSeries();
  /** The continuous profiler's frames, stacks and samples (`profile` messages). */
  readonly profile = new ProfileStore();
  /** Changes when health or profile data arrive, at most every `INSIGHT_UPDATE_MS`. */
  readonly insight = signal(0);
  private readonly insightTick = updateThrottle(() => {
    this.insight.value = this.insight.peek() + 1;
  }, INSIGHT_UPDATE_MS);
  /** Raised whenever the records are replaced rather than appended to. */
  generation = 0;
  private readonly liveCounts = zeroCounts();
  private readonly listeners = new Set<SessionListener>();
  /** Records added since the last redraw. */
  private unseen = 0;
  /** When records were last redrawn. */
  private drawnAt = 0;
  /**
   * True when records came faster than `FLOOD_RATE` until the last redraw. Judged then, not
   * when the next redraw is asked for: that comes with the first run after a redraw, a few
   * thousand records at most, however fast they pour in.
   */
  private flooding = false;
  private readonly tick = updateThrottle(
    () => {
      const now = performance.now();
      this.flooding = this.unseen > ((now - this.drawnAt) / 1000) * FLOOD_RATE;
      this.drawnAt = now;
      this.unseen = 0;
      batch(() => {
        this.counts.value = { ...this.liveCounts };
        this.version.value = this.version.peek() + 1;
      });
    },
    () => (this.flooding ? FLOOD_UPDATE_MS : UPDATE_MS),
  );

  constructor(readonly source: SessionSource = 'live') {}

  /** Sequence number of the newest record held. */
  get lastSeq(): number {
    return this.store.lastSeq;
  }

  /** Records held, whatever their level. */
  get size(): number {
    return this.store.size;
  }

  /** Record `index` (0 is the oldest held), or `undefined` past the end. */
  record(index: number): LogRecord | undefined {
    return this.store.get(index);
  }

  /**
   * Calls `fn` with every batch of new records and every other message applied
   * (persistence listens here); returns the cleanup.
   */
  listen(fn: SessionListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Applies one message from the server, its records packed. */
  apply(message: Incoming): void {
    switch (message.type) {
      case 'records':
        this.append(message.packed);
        return;
      case 'hello':
        if (this.info.value?.id !== message.session.id) this.reset(message.session);
        break;
      case 'checkpoint':
        // Copied once per redraw, not once per message: thousands arrive together.
        if (message.op === 'delete') this.checkpointMap.delete(message.name);
        else this.checkpointMap.set(message.checkpoint.name, message.checkpoint);
        this.checkpointTick.request();
        break;
      case 'stats':
        this.stats.value = message.stats;
        return;
      case 'gap':
        this.gaps.value = [...this.gaps.value, message];
        break;
      case 'end':
        this.ended.value = message;
        break;
      case 'health':
        if (this.health.add(message.samples) > 0) this.insightTick.request();
        return;
      case 'profile':
        if (this.profile.add(message)) this.insightTick.request();
        return;
    }
    for (const fn of this.listeners) fn(undefined, message);
  }

  /** Replaces everything with a stored or imported session. */
  load(info: SessionInfo, checkpoints: Iterable<ShownCheckpoint>, end: EndMessage | undefined): void {
    this.reset(info);
    for (const c of checkpoints) this.checkpointMap.set(c.name, c);
    this.checkpoints.value = new Map(this.checkpointMap);
    this.ended.value = end;
  }

  /**
   * Adds a run of packed records in strictly ascending `seq` order (as
   * `readLines` and an import's sorting leave them); ones already held are skipped.
   */
  append(packed: PackedRecords): void {
    // The hub never repeats a record on one connection; this guards reconnect races.
    const last = this.lastSeq;
    let from = 0;
    while (from < packed.count && (packed.seqs[from] as number) <= last) from++;
    if (from === packed.count) return;
    const added = slicePacked(packed, from);
    this.store.append(added);
    const perCode = new Uint32Array(LEVEL_NAMES.length + 1);
    for (let i = 0; i < added.count; i++) {
      const code = added.levels[i] as number;
      perCode[code] = (perCode[code] ?? 0) + 1;
    }
    LEVEL_NAMES.forEach((level, code) => {
      this.liveCounts[level] += perCode[code] as number;
    });
    this.seconds.addRun(added.times, added.levels, 0, added.count);
    this.unseen += added.count;
    this.tick.request();
    for (const fn of this.listeners) fn(added);
  }

  /** Grows one of the record columns ahead of need; true when there was one to grow (see `RecordStore.prepare`). */
  prepare(): boolean {
    return this.store.prepare();
  }

  /** Index of the record with sequence number `seq`, or of the first one after it. */
  indexOfSeq(seq: number): number {
    return this.store.indexOfSeq(seq);
  }

  private reset(session: SessionInfo): void {
    this.tick.cancel();
    this.checkpointTick.cancel();
    this.insightTick.cancel();
    this.checkpointMap.clear();
    this.health.clear();
    this.profile.clear();
    this.generation++;
    this.store.clear();
    this.seconds.clear();
    Object.assign(this.liveCounts, zeroCounts());
    batch(() => {
      this.info.value = session;
      this.checkpoints.value = new Map();
      this.gaps.value = [];
      this.ended.value = undefined;
      this.counts.value = zeroCounts();
      this.version.value = this.version.peek() + 1;
      this.insight.value = this.insight.peek() + 1;
    });
  }
}
