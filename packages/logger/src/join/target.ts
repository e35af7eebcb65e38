import { threadId } from 'node:worker_threads';
import type { ResolvedConfig } from '../config.js';
import { projectToken } from '../token.js';
import { parseJoinAddress } from './address.js';
import { discoverServe } from './discover.js';

/**
 * Where a new logger sends its records instead of opening a dashboard, if
 * anywhere: the address its parent process or thread set (`PULSELOG_JOIN`,
 * unless it is this very thread's own dashboard), else a `pulselog serve`
 * running for the project on the logger's port. `join: false` opens a
 * dashboard of its own whatever is set.
 */
export function joinTarget(config: ResolvedConfig): string | undefined {
  if (config.join === false) return undefined;
  if (config.join !== undefined) {
    return parseJoinAddress(config.join).owner === `${process.pid}.${threadId}` ? undefined : config.join;
  }
  if (!config.dashboard || config.port === 0) return undefined;
  return discoverServe(config.projectDir, config.port, config.token ?? projectToken(config.projectDir));
}
