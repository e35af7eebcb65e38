// CPU time of processes, read from Linux's /proc: what a run cost, which the
// machine's load does not stretch as it stretches wall-clock time. Used by
// bench/cli-pipe.mjs; elsewhere (no /proc) it reports nothing.
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's times (USER_HZ, 100 on Linux). */
const TICKS = 100;

function stat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields start after the last `)`.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS };
  } catch {
    return undefined;
  }
}

function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

function pids() {
  try {
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * Every process whose command line has an argument containing `marker` (a
 * browser's profile directory, say), with all of their descendants: pid,
 * the process's role (Chromium's `--type=`, or `main`) and CPU milliseconds
 * (user + system, every thread) so far.
 */
export function processTree(marker) {
  const all = pids();
  const parents = new Map();
  for (const pid of all) {
    const s = stat(pid);
    if (s) parents.set(pid, s.ppid);
  }
  const inTree = new Set(all.filter((pid) => cmdline(pid).some((arg) => arg.includes(marker))));
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (!inTree.has(pid) && inTree.has(ppid)) {
        inTree.add(pid);
        grew = true;
      }
    }
  }
  return [...inTree].flatMap((pid) => {
    const s = stat(pid);
    if (!s) return [];
    // Chromium's children rewrite their command line as one string: the role is looked for in all of it.
    const type = /--type=(\S+)/.exec(cmdline(pid).join(' '));
    return [{ pid, role: type ? type[1] : 'main', cpuMs: s.cpuMs }];
  });
}

/** CPU milliseconds (user + system, every thread) that process `pid` has used so far, or NaN. */
export function cpuMs(pid) {
  return stat(pid)?.cpuMs ?? Number.NaN;
}

/** CPU milliseconds each thread of process `pid` has used so far, by thread name (threads of one name summed). */
export function threadsCpu(pid) {
  const byName = new Map();
  let tids = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const tid of tids) {
    const s = stat(`${pid}/task/${tid}`);
    if (!s) continue;
    let name = tid;
    try {
      name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
    } catch {}
    byName.set(name, (byName.get(name) ?? 0) + s.cpuMs);
  }
  return byName;
}
