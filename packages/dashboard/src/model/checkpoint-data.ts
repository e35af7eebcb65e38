import { CHECKPOINT_DATA_PATH } from '@pulselog/shared';

/** A checkpoint's data as the hub serves it: the save it belongs to (`ts`) and the data. */
export interface CheckpointData {
  name: string;
  ts: number;
  data: unknown;
}

/** Fetches the data of the checkpoint called `name`; rejects with a reason a card can show. */
export type LoadCheckpointData = (name: string) => Promise<CheckpointData>;

/**
 * A loader of checkpoint data from the dashboard server of this page, with
 * the token (as a header: it never appears in a URL). Nothing is kept: the
 * card that asked holds the data while it is open.
 */
export function checkpointDataLoader(token: string, base = ''): LoadCheckpointData {
  return async (name) => {
    const res = await fetch(`${base}${CHECKPOINT_DATA_PATH}?name=${encodeURIComponent(name)}`, {
      headers: { Authorization: `Bearer ${token}` },
      cache: 'no-store',
    });
    if (res.status === 404) throw new Error('the logger no longer has this checkpoint');
    if (!res.ok) throw new Error(`the logger answered ${res.status}`);
    const body = (await res.json()) as Partial<CheckpointData>;
    if (body.name !== name || typeof body.ts !== 'number') throw new Error('the logger sent something else');
    return { name, ts: body.ts, data: body.data };
  };
}
