/**
 * The Node options each of pulselog's threads starts with: the program's own
 * (`process.execArgv`, which Node hands a worker by default), less the ones
 * that belong to the program's entry alone. `--input-type` is one: a thread's
 * module is a file, and Node refuses to start a worker with the flag, so a
 * program run as `node --input-type=module -e '…'` would lose every record.
 */
export function threadExecArgv(argv: readonly string[] = process.execArgv): string[] {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--input-type') i++;
    else if (!arg.startsWith('--input-type=')) kept.push(arg);
  }
  return kept;
}
