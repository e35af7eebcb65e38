/**
 * The Node options each of pulselog's threads starts with: `undefined`, so
 * that Node hands the worker the program's own (`process.execArgv`) as it
 * does by default, unless one of them belongs to the program's entry alone.
 * `--input-type` is one: a thread's module is a file, and Node refuses to
 * start a worker with the flag, so a program run as
 * `node --input-type=module -e '…'` would lose every record; then the list
 * without it. Not a list every time: Node refuses a list holding V8's and
 * other process-wide options (`--max-old-space-size`, `--expose-gc`,
 * `--single-threaded`), which it accepts when the worker inherits them.
 */
export function threadExecArgv(argv: readonly string[] = process.execArgv): string[] | undefined {
  if (!argv.some((arg) => arg === '--input-type' || arg.startsWith('--input-type='))) return undefined;
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--input-type') i++;
    else if (!arg.startsWith('--input-type=')) kept.push(arg);
  }
  return kept;
}
