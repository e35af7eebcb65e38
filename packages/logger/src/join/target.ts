import { threadId } from 'node:worker_threads';
import type { ResolvedConfig } from '../config.js';
import { projectToken } from '../token.js';
import { parseJoinAddress } from './address.js';
import { discoverServe, processAlive } from './discover.js';

/**
 * Where a new logger sends its records instead of opening a dashboard, if
 * anywhere: the address its parent process or thread set (`PULSELOG_JOIN`,
 * unless it is this very thread's own dashboard or its process is gone), else a `pulselog serve`
 * running for the project on the logger's port. `join: false` opens a
 * dashboard of its own whatever is set.
 */
export function joinTarget(config: ResolvedConfig): string | undefined {
  if (config.join === false) return undefined;
  if (config.join !== undefined) {
    const owner = parseJoinAddress(config.join).owner;
    if (owner === `${process.pid}.${threadId}`) return undefined;
    // A parent that is gone (it crashed, or the variable outlived it) leaves nothing to join.
    return owner === undefined || processAlive(Number(owner.split('.')[0])) ? config.join : undefined;
  }
  if (!config.dashboard || config.port === 0) return undefined;
  return discoverServe(config.projectDir, config.port, config.token ?? projectToken(config.projectDir));
}
