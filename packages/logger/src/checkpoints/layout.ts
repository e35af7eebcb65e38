import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ResolvedConfig } from '../config.js';

/** The store file in a checkpoint store's folder. */
export const STORE_FILE = 'checkpoints.log';

/**
 * A line for stderr when this logger has no store of its own yet while the
 * shared one, where earlier versions kept every logger's checkpoints, exists:
 * its checkpoints are not lost, only not read, and the line says how to read
 * them. `undefined` otherwise.
 */
export function sharedStoreNote(config: ResolvedConfig, name: string): string | undefined {
  if (config.sharedCheckpoints) return undefined;
  const own = join(config.checkpointPath, STORE_FILE);
  const shared = join(dirname(config.checkpointPath), STORE_FILE);
  if (existsSync(own) || !existsSync(shared)) return undefined;
  return (
    `pulselog: checkpoints are kept per logger name now, and logger '${name}' has none in ${own}; ` +
    `${shared} (every logger's, as earlier versions kept them) is read with sharedCheckpoints ` +
    `(PULSELOG_SHARED_CHECKPOINTS=1), or move it to ${own}\n`
  );
}
