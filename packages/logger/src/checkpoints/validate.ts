import { CHECKPOINT_STATUSES, type CheckpointStatus } from '@pulselog/shared';
import { PulselogError } from '../errors.js';

/** What may accompany a checkpoint's data in `log.save(name, data, meta)`. */
export interface CheckpointMeta {
  /** One of DONE, IN_PROGRESS, FAILED, SKIPPED. */
  status?: CheckpointStatus;
  /** A short human note. */
  note?: string;
  /** Progress from 0 to 100. */
  progress?: number;
}

/** Longest checkpoint name accepted. */
export const MAX_NAME_LENGTH = 200;
/** Longest note kept; longer ones are cut. */
export const MAX_NOTE_LENGTH = 2000;

function invalid(name: unknown, why: string): PulselogError {
  const shown = typeof name === 'string' ? `'${name.slice(0, 60)}'` : 'with a non-string name';
  return new PulselogError('PULSELOG_ERR_CHECKPOINT', `checkpoint ${shown}: ${why}`);
}

/** Checks a checkpoint name; throws a `PulselogError` saying what is wrong. */
export function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH) {
    throw invalid(name, `the name must be a string of 1 to ${MAX_NAME_LENGTH} characters`);
  }
  return name;
}

/**
 * Checks the metadata given to `save`: a known status, progress from 0 to
 * 100, a string note. Throws a `PulselogError` naming the checkpoint, the
 * field and the value; returns a clean copy.
 */
export function checkMeta(name: string, meta: unknown): CheckpointMeta {
  if (meta === undefined || meta === null) return {};
  if (typeof meta !== 'object') throw invalid(name, 'the third argument must be { status?, note?, progress? }');
  const { status, note, progress } = meta as Record<string, unknown>;
  const out: CheckpointMeta = {};
  if (status !== undefined) {
    if (!(CHECKPOINT_STATUSES as readonly unknown[]).includes(status)) {
      throw invalid(name, `status must be one of ${CHECKPOINT_STATUSES.join(', ')}; got ${describe(status)}`);
    }
    out.status = status as CheckpointStatus;
  }
  if (progress !== undefined) {
    if (typeof progress !== 'number' || !Number.isFinite(progress) || progress < 0 || progress > 100) {
      throw invalid(name, `progress must be a number from 0 to 100; got ${describe(progress)}`);
    }
    out.progress = progress;
  }
  if (note !== undefined) {
    if (typeof note !== 'string') throw invalid(name, `note must be a string; got ${describe(note)}`);
    out.note = note.length > MAX_NOTE_LENGTH ? `${note.slice(0, MAX_NOTE_LENGTH)}…` : note;
  }
  return out;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 60));
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return typeof value;
}
