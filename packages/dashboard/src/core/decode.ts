import { type BatchMessage, parseServerMessage, type ServerMessage } from '@pulselog/shared';
import { type PackedRecords, packRecords } from './pack.js';

/** A server message other than a batch, as the page applies it. */
export type PlainMessage = Exclude<ServerMessage, BatchMessage>;

/** A batch's records, packed (see `PackedRecords`). */
export interface RecordsMessage {
  type: 'records';
  packed: PackedRecords;
}

/** What the page applies: a batch's records packed, or any other server message as it came. */
export type Incoming = RecordsMessage | PlainMessage;

/** A decoded server message, or why it was refused. */
export type Decoded = { ok: true; value: Incoming } | { ok: false; reason: string };

/**
 * Parses one message from the dashboard server and checks it
 * (`parseServerMessage`); a batch's records come out packed. This is the
 * costly part of taking records in, so the page runs it in a worker.
 */
export function decodeServerMessage(raw: string): Decoded {
  const parsed = parseServerMessage(raw);
  if (!parsed.ok) return parsed;
  const message = parsed.value;
  if (message.type !== 'batch') return { ok: true, value: message };
  return { ok: true, value: { type: 'records', packed: packRecords(message.records) } };
}
