import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

describe('pulselog commands', () => {
  it('each print their --help and exit 0', async () => {
    for (const [line, usage] of [
      ['$PULSELOG run --help', 'Usage: pulselog run [options] [--] CMD [ARGS...]'],
      ['$PULSELOG tail --help', 'Usage: pulselog tail [options] FILE|GLOB...'],
      ['$PULSELOG view --help', 'Usage: pulselog view [options] FILE...'],
      ['echo x | $PULSELOG --help', 'Usage: cmd | pulselog [--name NAME]'],
      ['$PULSELOG --help < /dev/null', 'pulselog tail FILE|GLOB...'],
    ] as const) {
      const cli = runCli(line);
      expect((await cli.exited).code, line).toBe(0);
      expect(cli.stdout(), line).toContain(usage);
    }
  });

  it('say what is wrong with a clear message and a non-zero exit code', async () => {
    for (const [line, code, message] of [
      ['$PULSELOG tail --bogus x', 2, "pulselog tail: Unknown option '--bogus'"],
      ['$PULSELOG tail', 2, 'pulselog tail: name a file or a glob'],
      ['$PULSELOG view', 2, 'pulselog view: name a session file'],
      [
        'mkdir logs && $PULSELOG tail logs',
        2,
        "pulselog tail: logs is a folder; name its files, or a glob like 'logs/*.log'",
      ],
      [
        'echo x | $PULSELOG --max-line 5',
        2,
        'pulselog: --max-line must be a whole number of bytes, at least 1024, not 5',
      ],
      ['$PULSELOG nonsense', 2, "pulselog: unknown command 'nonsense'"],
      [
        'echo x | PULSELOG_PORT=99999 $PULSELOG',
        1,
        'invalid pulselog setting port = "99999" (from environment PULSELOG_PORT)',
      ],
      [
        'PULSELOG_LINGER=soon $PULSELOG run -- true',
        1,
        'invalid pulselog setting linger = "soon" (from environment PULSELOG_LINGER)',
      ],
    ] as const) {
      const cli = runCli(line);
      expect((await cli.exited).code, line).toBe(code);
      expect(cli.stderr(), line).toContain(message);
    }
  });

  it('honour PULSELOG_DASHBOARD=0: the pipe records to its session file and ends with its input', async () => {
    const cli = runCli('printf "WARN a\\nINFO b\\n" | $PULSELOG --name quiet', { PULSELOG_DASHBOARD: '0' });
    expect((await cli.exited).code).toBe(0);
    expect(cli.stderr()).toContain('pulselog: input ended: 2 lines, 2 records\n');
    expect(cli.stderr()).not.toContain('dashboard at');
  });
});
