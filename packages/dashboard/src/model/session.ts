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

/** Counts of records per level. */
export type LevelCounts = Record<LevelName, number>;

const zeroCounts = (): LevelCounts => ({ debug: 0, info: 0, warning: 0, error: 0, critical: 0 });

/**
 * Everything the page knows about the session it shows. Records live in a
 * plain array (a million of them must not be copied per batch); `version`
 * changes whenever it grows, which is what components subscribe to.
 */
export class SessionModel {
  readonly records: LogRecord[] = [];
  readonly version = signal(0);
  readonly info = signal<SessionInfo | undefined>(undefined);
  readonly checkpoints = signal<ReadonlyMap<string, Checkpoint>>(new Map());
  readonly stats = signal<HubStats | undefined>(undefined);
  readonly gaps = signal<readonly GapMessage[]>([]);
  readonly ended = signal<EndMessage | undefined>(undefined);
  readonly counts = signal<LevelCounts>(zeroCounts());

  /** Sequence number of the newest record held. */
  get lastSeq(): number {
    const last = this.records[this.records.length - 1];
    return last ? last.seq : 0;
  }

  /** Applies one message from the server. */
  apply(message: ServerMessage): void {
    switch (message.type) {
      case 'hello':
        if (this.info.value?.id !== message.session.id) this.reset(message.session);
        break;
      case 'batch':
        this.append(message.records);
        break;
      case 'checkpoint': {
        const next = new Map(this.checkpoints.value);
        if (message.op === 'upsert') next.set(message.checkpoint.name, message.checkpoint);
        else next.delete(message.name);
        this.checkpoints.value = next;
        break;
      }
      case 'stats':
        this.stats.value = message.stats;
        break;
      case 'gap':
        this.gaps.value = [...this.gaps.value, message];
        break;
      case 'end':
        this.ended.value = message;
        break;
    }
  }

  private reset(session: SessionInfo): void {
    batch(() => {
      this.records.length = 0;
      this.info.value = session;
      this.checkpoints.value = new Map();
      this.gaps.value = [];
      this.ended.value = undefined;
      this.counts.value = zeroCounts();
      this.version.value++;
    });
  }

  private append(records: LogRecord[]): void {
    const counts = { ...this.counts.value };
    let last = this.lastSeq;
    for (const record of records) {
      // The hub never repeats a record on one connection; this guards reconnect races.
      if (record.seq <= last) continue;
      last = record.seq;
      this.records.push(record);
      if (record.kind !== 'divider') counts[record.level]++;
    }
    batch(() => {
      this.counts.value = counts;
      this.version.value++;
    });
  }
}
