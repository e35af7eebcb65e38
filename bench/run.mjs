// Runs the benchmarks: `pnpm bench` from the repository root (builds first).
// Each benchmark script prints its own table; see the comment at its top.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Each writes its own section of bench/README.md when given --write.
const scripts = ['logger.mjs', 'hub.mjs', 'browser.mjs', 'otlp-in.mjs'].filter((s) =>
  existsSync(new URL(`./${s}`, import.meta.url)),
);
for (const script of scripts) {
  const out = spawnSync(
    process.execPath,
    [fileURLToPath(new URL(`./${script}`, import.meta.url)), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
    },
  );
  if (out.status !== 0) process.exit(out.status ?? 1);
}
