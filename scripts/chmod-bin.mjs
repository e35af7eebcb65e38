// Marks the built CLI entry executable, since tsc writes plain files.
import { chmodSync } from 'node:fs';

for (const file of process.argv.slice(2)) chmodSync(file, 0o755);
