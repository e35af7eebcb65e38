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

/**
 * Records a tab holds unless told otherwise (`?keep=` or the sessions view's
 * setting): about 250 bytes of the tab's heap each for short request logs
 * (the soak in bench/README.md measured 240 MB at 950,000 held).
 */
export const DEFAULT_LIMIT = 1_000_000;
/** Fewest records a tab can be told to hold. */
export const MIN_LIMIT = 1000;
/**
 * Share of the limit evicted at once when the store is full: evicting moves
 * every column, so it is done for a tenth of the records at a time, which
 * keeps the cost per record flat (each record is moved about ten times).
 */
const EVICT_SHARE = 0.1;

/** Called when the oldest `count` records were evicted: record `count` became record 0. */
export type EvictListener = (count: number) => void;

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
  /** Records held per level; evicted ones no longer count (`evicted` says how many left). */
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
  /**
   * Records of this session that left the tab, oldest first, to keep it
   * within `limit`; they stay in the session file.
   * Changes with `version`.
   */
  evicted = 0;
  private readonly liveCounts = zeroCounts();
  private readonly listeners = new Set<SessionListener>();
  private readonly evictListeners = new Set<EvictListener>();
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

  constructor(
    readonly source: SessionSource = 'live',
    limit = DEFAULT_LIMIT,
  ) {
    this.store.limit = limit;
  }

  /** Most records held; when full, the oldest are evicted a chunk at a time. */
  get limit(): number {
    return this.store.limit;
  }

  /** Sets the most records held, evicting the oldest at once when more are held. */
  setLimit(limit: number): void {
    const records = Math.max(MIN_LIMIT, Math.floor(limit));
    if (records === this.store.limit) return;
    this.store.limit = records;
    if (this.size > records) {
      this.evict(this.size - records);
      this.tick.request();
    }
  }

  /**
   * Counts `count` records of the session as evicted without ever holding
   * them: a stored copy that kept only the newest (`SessionWriter`).
   */
  markEvicted(count: number): void {
    if (count <= 0) return;
    this.evicted += count;
    this.tick.request();
  }

  /** Records of this session the tab received: the ones held and the ones evicted. */
  get received(): number {
    return this.size + this.evicted;
  }

  /**
   * Calls `fn` whenever the oldest records are evicted, before anything new
   * is appended (a view shifts its rows there); returns the cleanup.
   */
  onEvict(fn: EvictListener): () => void {
    this.evictListeners.add(fn);
    return () => this.evictListeners.delete(fn);
  }

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
    const limit = this.store.limit;
    // Room first, so columns never grow past the limit: a chunk at once, all of it for a run as long as the limit.
    if (this.size + added.count > limit) {
      const need = this.size + added.count - limit;
      this.evict(Math.min(this.size, Math.max(need, Math.ceil(limit * EVICT_SHARE))));
    }
    const kept = added.count > limit ? slicePacked(added, added.count - limit) : added;
    this.evicted += added.count - kept.count;
    this.store.append(kept);
    this.countLevels(added.levels, 0, added.count, 1);
    if (kept !== added) this.countLevels(added.levels, 0, added.count - kept.count, -1);
    this.seconds.addRun(kept.times, kept.levels, 0, kept.count);
    this.unseen += added.count;
    this.tick.request();
    // Every record received, held or not: the browser's copy has a budget of its own.
    for (const fn of this.listeners) fn(added);
  }

  /** Adds `sign` to the level counts for each of `codes[from..to-1]`. */
  private countLevels(codes: Uint8Array, from: number, to: number, sign: 1 | -1): void {
    const perCode = new Uint32Array(LEVEL_NAMES.length + 1);
    for (let i = from; i < to; i++) {
      const code = codes[i] as number;
      perCode[code] = (perCode[code] ?? 0) + 1;
    }
    LEVEL_NAMES.forEach((level, code) => {
      this.liveCounts[level] += sign * (perCode[code] as number);
    });
  }

  /** Forgets the oldest `count` records held, and what counted them. */
  private evict(count: number): void {
    const store = this.store;
    const k = Math.min(count, store.size);
    if (k <= 0) return;
    this.countLevels(store.levelCodes, 0, k, -1);
    store.evict(k);
    this.evicted += k;
    // Records come in seq order, not always in time order (joined sources): the oldest time held is looked for.
    let first = Number.POSITIVE_INFINITY;
    const times = store.times;
    for (let i = 0; i < store.size; i++) if ((times[i] as number) < first) first = times[i] as number;
    if (Number.isFinite(first)) this.seconds.forgetBefore(first);
    for (const fn of this.evictListeners) fn(k);
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
    this.evicted = 0;
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
