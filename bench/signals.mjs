// How long SIGINT and SIGTERM take to end a program busy in a synchronous loop:
// without a logger, with pulselog (a loop that logs and one that does not),
// and with pino, each in a fresh process; and what pulselog's session file
// holds afterwards. Run on a quiet machine:
//
//   node bench/signals.mjs [--runs 7]
//
// Prints a Markdown table (median and worst of the runs) for bench/README.md.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' }, help: { type: 'boolean' } } });
if (values.help) {
  process.stdout.write('usage: node bench/signals.mjs [--runs N]\n');
  process.exit(0);
}
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write(`--runs must be a whole number above 0, not ${values.runs}\n`);
  process.exit(2);
}

const CASE = new URL('./signal-case.mjs', import.meta.url).pathname;

/** One run: spawns the case, signals it 300 ms into its loop; ms from the signal to the exit, and the file's records. */
function once(mode, signal) {
  const cwd = mkdtempSync(join(tmpdir(), 'pulselog-signals-'));
  const pinoFile = join(cwd, 'pino.log');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CASE, mode, pinoFile], {
      cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, PULSELOG_DASHBOARD: '0', PULSELOG_OPEN: '0' },
    });
    let sentAt;
    child.stderr.on('data', (chunk) => {
      if (sentAt === undefined && String(chunk).includes('looping')) {
        sentAt = 0;
        setTimeout(() => {
          sentAt = performance.now();
          child.kill(signal);
        }, 300);
      }
    });
    child.on('exit', (code, endedBy) => {
      const ms = performance.now() - sentAt;
      if (endedBy !== signal) return reject(new Error(`${mode} ended with ${code ?? endedBy}, not ${signal}`));
      let records = 0;
      let end = '';
      const dir = join(cwd, '.pulselog', 'sessions');
      if (mode.startsWith('pulselog')) {
        const lines = readFileSync(join(dir, readdirSync(dir)[0]), 'utf8')
          .trim()
          .split('\n');
        records = lines.filter((l) => l.startsWith('{"seq":')).length;
        end = JSON.parse(lines.at(-1)).type === 'end' ? 'yes' : 'no';
      } else if (mode.startsWith('pino')) {
        records = readFileSync(pinoFile, 'utf8').trim().split('\n').length;
      }
      rmSync(cwd, { recursive: true, force: true });
      resolve({ ms, records, end });
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (const signal of ['SIGINT', 'SIGTERM']) {
  for (const mode of ['bare', 'pulselog-silent', 'pulselog-logging', 'pino-logging']) {
    const results = [];
    for (let r = 0; r < runs; r++) results.push(await once(mode, signal));
    const ms = results.map((x) => x.ms);
    rows.push(
      `| ${signal} | ${mode} | ${median(ms).toFixed(1)} | ${Math.max(...ms).toFixed(1)} | ${mode === 'bare' ? '–' : median(results.map((x) => x.records)).toLocaleString('en')} | ${mode.startsWith('pulselog') ? results.filter((x) => x.end === 'yes').length : '–'}/${runs} |`,
    );
    process.stderr.write(`${rows.at(-1)}\n`);
  }
}
process.stdout.write(
  `| signal | program | ms to exit (median) | ms (worst) | records in the file (median) | end line |\n| --- | --- | --: | --: | --: | --: |\n${rows.join('\n')}\n`,
);
