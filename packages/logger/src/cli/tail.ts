/**
 * `pulselog tail FILE|GLOB...`: files followed as `tail -F` follows them
 * (see `follow.ts`), each a source of its own, into one dashboard. Globs are
 * looked at again on every poll, so files that appear later are followed too.
 */
import { statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { glob, isDynamicPattern } from 'tinyglobby';
import { commandLogger, readArgs, reportJunk, UsageError, untilInterrupted } from './common.js';
import { LineFeed, roomInQueues } from './feed.js';
import { FileFollower } from './follow.js';
import { maxLineOption } from './stdin.js';

/** `pulselog tail --help`. */
export const TAIL_HELP = `Usage: pulselog tail [options] FILE|GLOB...

Follows files as tail -F does and streams their lines to the dashboard,
recorded to a session file: a rotated file is read to its end and the new
one from its start, a truncated file from its start again, and files that
do not exist yet (or match a glob later, like 'logs/*.log') are waited for.
Each file is a source of its own. Lines are parsed as they are for a pipe
(see pulselog --help). Ctrl-C stops.

Options:
  --from-end         skip what the files hold now; only lines added from now on
  --interval MS      how often files are looked at (default 250)
  --name NAME        the session's name (default: tail)
  --max-line BYTES   longest line kept whole (default 1048576)
  -h, --help         print this help
`;

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Runs the command until Ctrl-C; resolves with the exit code. */
export async function tailCommand(argv: string[]): Promise<number> {
  const { values, positionals } = readArgs('pulselog tail', () =>
    parseArgs({
      args: argv,
      options: {
        'from-end': { type: 'boolean' },
        interval: { type: 'string' },
        name: { type: 'string', short: 'n' },
        'max-line': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    }),
  );
  if (values.help) {
    process.stdout.write(TAIL_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('pulselog tail', 'name a file or a glob: pulselog tail app.log');
  const interval = values.interval === undefined ? 250 : Number(values.interval);
  if (!Number.isInteger(interval) || interval < 10 || interval > 60_000) {
    throw new UsageError(
      'pulselog tail',
      `--interval must be a whole number of ms from 10 to 60000, not ${values.interval}`,
    );
  }
  const maxLine = maxLineOption('pulselog tail', values['max-line']);
  for (const path of positionals) {
    if (!isDynamicPattern(path) && isDirectory(path)) {
      throw new UsageError('pulselog tail', `${path} is a folder; name its files, or a glob like '${path}/*.log'`);
    }
  }
  const log = commandLogger(values.name ?? 'tail');
  const note = (message: string) => process.stderr.write(`pulselog tail: ${message}\n`);
  const followers = new Map<string, { follower: FileFollower; feed: LineFeed }>();
  const patterns = positionals.filter((p) => isDynamicPattern(p));
  const follow = (path: string, fromEnd: boolean) => {
    const absolute = resolve(path);
    if (followers.has(absolute)) return;
    const source = relative(process.cwd(), absolute) || absolute;
    const feed = new LineFeed(log, { source, defaultLevel: 'info', maxLine });
    const follower = new FileFollower(
      source,
      async (chunk) => {
        feed.write(chunk);
        await roomInQueues(log);
      },
      note,
      () => feed.end(),
      fromEnd,
    );
    followers.set(absolute, { follower, feed });
  };
  for (const path of positionals) {
    if (isDynamicPattern(path)) continue;
    follow(path, values['from-end'] === true);
  }
  const findNew = async (fromEnd: boolean) => {
    if (patterns.length === 0) return;
    for (const path of await glob(patterns, { absolute: true, onlyFiles: true, expandDirectories: false })) {
      follow(path, fromEnd);
    }
  };
  await findNew(values['from-end'] === true);
  if (followers.size === 0 && patterns.length > 0) note(`nothing matches ${patterns.join(' ')} yet; waiting`);

  const failing = new Set<string>();
  const interrupt = untilInterrupted();
  let stopped = false;
  void interrupt.signal.then(() => {
    stopped = true;
  });
  while (!stopped) {
    await findNew(false);
    for (const { follower } of followers.values()) {
      try {
        await follower.poll();
      } catch (err) {
        // A file that cannot be read now (permissions, a directory under the name) is tried again next time, said once.
        const message = `cannot read ${follower.path}: ${(err as Error).message}`;
        if (!failing.has(message)) note(message);
        failing.add(message);
      }
    }
    await Promise.race([new Promise((r) => setTimeout(r, interval)), interrupt.signal]);
  }
  const feeds = [...followers.values()].map((f) => f.feed);
  for (const { follower, feed } of followers.values()) {
    await follower.close();
    feed.end();
  }
  reportJunk('tail', feeds);
  await log.shutdown();
  // Ctrl-C is how following ends: not a failure.
  return 0;
}
