// Prints one plain line, `N passed, N failed`, summed over the vitest JSON
// reports given as arguments. A missing report, or a test file that failed to
// load, counts as a failure: CI must never read green for tests that never ran.
import { readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    process.stderr.write(`no test report at ${file}\n`);
    failed += 1;
    continue;
  }
  passed += report.numPassedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  const failedTests = report.numFailedTests ?? 0;
  const brokenFiles = (report.testResults ?? []).filter(
    (result) => result.status === 'failed' && (result.assertionResults ?? []).every((a) => a.status !== 'failed'),
  ).length;
  failed += failedTests + brokenFiles;
}
process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
