/**
 * The Node options each of pulselog's threads starts with: `undefined`, so
 * that Node hands the worker the program's own (`process.execArgv`) as it
 * does by default, unless one of them belongs to the program's entry alone.
 * `--input-type` is one: a thread's module is a file, and Node refuses to
 * start a worker with the flag, so a program run as
 * `node --input-type=module -e '…'` would lose every record. Then none of
 * them (`[]`): a list without it would still hold any V8 or process-wide
 * option the program was run with (`--max-old-space-size`, `--expose-gc`,
 * `--stack-size`), which Node accepts when a worker inherits them and
 * refuses in a worker's own list; pulselog's threads need none of the program's.
 */
export function threadExecArgv(argv: readonly string[] = process.execArgv): string[] | undefined {
  return argv.some((arg) => arg === '--input-type' || arg.startsWith('--input-type=')) ? [] : undefined;
}
