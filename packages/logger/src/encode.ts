import type { LevelName, SerializedError } from '@pulselog/shared';
import { DEFAULT_LIMITS, safeString, toJsonSafe, truncate } from './serialize.js';

/**
 * True when every own value of `fields` is a short string, a finite number, a
 * boolean or null: then `JSON.stringify` alone is exact and safe, and the
 * careful walk can be skipped. This is the common case on the hot path.
 */
function isFlat(fields: Record<string, unknown>): boolean {
  for (const key in fields) {
    const v = fields[key];
    const t = typeof v;
    if (t === 'string') {
      if ((v as string).length > DEFAULT_LIMITS.maxStringLength) return false;
    } else if (t === 'number') {
      if (!Number.isFinite(v)) return false;
    } else if (t !== 'boolean' && v !== null) {
      return false;
    }
  }
  return true;
}

/** JSON text of a fields object, exact for flat objects and made safe otherwise. */
export function encodeFields(fields: unknown): string {
  if (typeof fields === 'object' && fields !== null && !Array.isArray(fields)) {
    try {
      if (Object.getPrototypeOf(fields) === Object.prototype && isFlat(fields as Record<string, unknown>)) {
        return JSON.stringify(fields);
      }
    } catch {
      // Proxies and exotic objects fall through to the careful path.
    }
    return JSON.stringify(toJsonSafe(fields));
  }
  // A non-object in the fields position is kept rather than lost.
  return JSON.stringify({ value: toJsonSafe(fields) });
}

/** A message of any type as bounded text. */
export function encodeMessage(msg: unknown): string {
  return JSON.stringify(truncate(typeof msg === 'string' ? msg : safeString(msg), DEFAULT_LIMITS.maxStringLength));
}

/**
 * One record as a JSON line (without the newline). Fields arrive already
 * encoded so that the caller controls when the snapshot is taken.
 */
export function encodeRecord(
  seq: number,
  ts: number,
  level: LevelName,
  msgJson: string,
  fieldsJson: string | undefined,
  tag: string | undefined,
  kind: 'divider' | undefined,
  err: SerializedError | undefined,
): string {
  let line = `{"seq":${seq},"ts":${ts},"level":"${level}","msg":${msgJson}`;
  if (fieldsJson !== undefined && fieldsJson !== '{}') line += `,"fields":${fieldsJson}`;
  if (tag !== undefined) line += `,"tag":${JSON.stringify(tag)}`;
  if (kind !== undefined) line += `,"kind":"${kind}"`;
  if (err !== undefined) line += `,"err":${JSON.stringify(err)}`;
  return `${line}}`;
}
