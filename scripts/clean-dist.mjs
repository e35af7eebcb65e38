// Empties a build folder before tsc writes it again, so that files of
// sources since deleted are not shipped: `node clean-dist.mjs <dir> [keep…]`.
// Entries named in `keep` stay (the logger's `dist/dashboard` comes from the
// dashboard's own build, which runs first).
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const [dir, ...keep] = process.argv.slice(2);
let entries = [];
try {
  entries = readdirSync(dir);
} catch {
  // Nothing built yet.
}
for (const entry of entries) if (!keep.includes(entry)) rmSync(join(dir, entry), { recursive: true, force: true });
