/**
 * How far the session recorder's thread lowers its scheduling priority below
 * the program's. When the machine's cores are all busy, the program's
 * threads then run first and the file is written in the gaps, instead of
 * taking turns with the program and stalling its event loop. At nice +5 the
 * thread still gets about a quarter of a contended core, so records keep
 * moving. The dashboard hub keeps the program's priority: it serves a page
 * someone is watching, and starved, it would leave a growing backlog in the
 * program's own memory.
 */
export const BACKGROUND_NICE = 5;

/**
 * Lowers the calling thread's priority by `nice` steps (Linux: each thread
 * has its own nice value, set through its thread id). Best effort: on other
 * systems, or where it is not permitted, nothing changes.
 *
 * Self-contained (it gets `fs` and `os` from the caller): the session
 * recorder's thread runs it from its source text.
 */
export function lowerThreadPriority(
  fs: { readlinkSync(path: string): string },
  os: { getPriority(pid: number): number; setPriority(pid: number, priority: number): void },
  nice: number,
): void {
  try {
    // `/proc/thread-self` links to `<pid>/task/<tid>`.
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) os.setPriority(tid, Math.min(19, os.getPriority(tid) + nice));
  } catch {
    // Not Linux, or not allowed: the thread keeps the program's priority.
  }
}
