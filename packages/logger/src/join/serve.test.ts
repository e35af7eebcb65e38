import { afterEach, describe, expect, it, vi } from 'vitest';
import { SERVE_HELP, serveCommand } from './serve.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('pulselog serve', () => {
  it('prints its help with --help and exits 0', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await serveCommand(['--help'])).toBe(0);
    expect(out).toHaveBeenCalledWith(SERVE_HELP);
  });

  it('says what is wrong with an unknown option, shows the help and exits 2', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await serveCommand(['--port', '1'])).toBe(2);
    expect(String(err.mock.calls[0]?.[0])).toMatch(
      /^pulselog serve: Unknown option '--port'.*\n\nUsage: pulselog serve/s,
    );
  });
});
