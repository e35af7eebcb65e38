import type { BatchMessage, ServerMessage } from '@pulselog/shared';
import type { PackedRecords } from './pack.js';

/** A server message other than a batch, as the page applies it. */
export type PlainMessage = Exclude<ServerMessage, BatchMessage>;

/** Records of one or more batches, packed (see `PackedRecords`). */
export interface RecordsMessage {
  type: 'records';
  packed: PackedRecords;
}

/** What the page applies: records packed, or any other server message as it came. */
export type Incoming = RecordsMessage | PlainMessage;
