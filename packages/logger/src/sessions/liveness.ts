import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Whether the process that wrote a file is still running. A pid alone is not
 * enough: pids are reused, so a file also records when its writer was
 * there (`since`), and a process with that pid that started later is another
 * program. On Linux the start time comes from `/proc`; elsewhere the pid
 * check stands alone.
 */

/** Who holds a lock or writes a session file. */
export interface Owner {
  /** Process id of the writer. */
  pid: number;
  /** Host name of the writer: a pid means nothing on another machine. */
  host: string;
  /** Milliseconds since the epoch at which the writer was known to run (a session's start, a lock's taking). */
  since: number;
}

/** A process that started this much later than `since` is taken for a reuse of the pid, not the writer. */
const START_SLACK_MS = 2000;

/** This process, as an `Owner` from now on. */
export function currentOwner(): Owner {
  return { pid: process.pid, host: hostname(), since: Date.now() };
}

/**
 * Whether the owner still runs: `gone` when its pid names no process, or a
 * process that started after the owner was seen; `unknown` for an owner on
 * another host (a container, a machine sharing the folder), whose processes
 * cannot be looked at from here; else `alive`.
 */
export function ownerState(owner: Owner): 'alive' | 'gone' | 'unknown' {
  if (owner.host !== hostname()) return 'unknown';
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return 'gone';
  }
  const started = processStart(owner.pid);
  return started === undefined || started <= owner.since + START_SLACK_MS ? 'alive' : 'gone';
}

/** Boot time in ms since the epoch, read once: it does not change while the machine runs. */
let bootTime: number | undefined | null = null;

/** Linux's clock ticks per second (`getconf CLK_TCK`): 100 on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/** When `pid` started, in ms since the epoch, from `/proc`; `undefined` where there is no `/proc`. */
export function processStart(pid: number): number | undefined {
  try {
    if (bootTime === null) {
      const btime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'latin1'));
      bootTime = btime ? Number(btime[1]) * 1000 : undefined;
    }
    if (bootTime === undefined) return undefined;
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Field 22, `starttime`, is the 20th after the name.
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? bootTime + (ticks * 1000) / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

/** Reads an `Owner` from parsed JSON, or `undefined` when it is not one. */
export function toOwner(value: unknown): Owner | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { pid, host, since } = value as Record<string, unknown>;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined;
  if (typeof host !== 'string' || typeof since !== 'number') return undefined;
  return { pid, host, since };
}
