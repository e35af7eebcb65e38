import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningScript, runScript } from './support/script.js';

/** Debian's Prometheus (`apt-get install prometheus`; `.ci/run` installs it when missing). */
const PROMETHEUS = process.env.PULSELOG_PROMETHEUS ?? '/usr/bin/prometheus';
const HAVE_PROMETHEUS = existsSync(PROMETHEUS);
if (!HAVE_PROMETHEUS) {
  console.warn(`metrics-prometheus: skipped, no Prometheus binary at ${PROMETHEUS} (apt-get install prometheus)`);
}

const TOKEN = 'e2e-metrics-token-0123456789abcdef';
const COUNTS = { debug: 5, info: 240, warning: 31, error: 7, critical: 2 };

/** A free loopback port, for Prometheus's own web server. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Waits until `pattern` shows in the script's stderr; its first group. */
async function fromStderr(script: RunningScript, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(script.stderr());
    if (match?.[1]) return match[1];
    if (Date.now() > deadline || script.child.exitCode !== null) {
      throw new Error(`no ${pattern} on stderr:\n${script.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function loggedAll(script: RunningScript): Promise<void> {
  let out = '';
  await new Promise<void>((resolve, reject) => {
    script.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('logged')) resolve();
    });
    script.child.on('exit', () => reject(new Error(`exited before logging:\n${script.stderr()}`)));
  });
}

/** The host:port of a URL. */
const target = (url: string) => new URL(url).host;

describe.skipIf(!HAVE_PROMETHEUS)('metrics scraped by Prometheus', () => {
  const started: { kill(): unknown }[] = [];
  afterAll(async () => {
    for (const s of started) await s.kill();
  });

  it('counts every record logged at each level, through the metrics port and the dashboard, and a wrong token is refused', async () => {
    const env = { PULSELOG_TOKEN: TOKEN, PULSELOG_METRICS_PORT: '0' };
    // One program without a dashboard (its metrics port only), one with both.
    const portOnly = runScript('metrics.mjs', { ...env, PULSELOG_DASHBOARD: '0' }, [JSON.stringify(COUNTS)]);
    const withDashboard = runScript('metrics.mjs', { PULSELOG_TOKEN: TOKEN }, [JSON.stringify(COUNTS)]);
    started.push(portOnly, withDashboard);
    // Listened to from the start: stdout flows whether or not anyone reads it.
    const logged = Promise.all([loggedAll(portOnly), loggedAll(withDashboard)]);
    const metricsUrl = await fromStderr(portOnly, /Prometheus metrics at (\S+)/);
    const dashboardUrl = await withDashboard.dashboardUrl();
    await logged;

    // The token is checked before anything else is answered.
    expect((await fetch(metricsUrl)).status).toBe(401);
    expect(
      (await fetch(metricsUrl, { headers: { authorization: 'Bearer wrong-token-0123456789abcdef' } })).status,
    ).toBe(401);
    const direct = await fetch(metricsUrl, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(direct.status).toBe(200);
    expect(direct.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);

    const dir = mkdtempSync(join(tmpdir(), 'pulselog-prometheus-'));
    const config = join(dir, 'prometheus.yml');
    // As the README has it: the token file of the project, which ends in a newline.
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${TOKEN}\n`);
    writeFileSync(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        '  - job_name: port',
        '    authorization:',
        `      credentials_file: ${tokenFile}`,
        '    static_configs:',
        `      - targets: ['${target(metricsUrl)}']`,
        '  - job_name: wrong-token',
        '    authorization:',
        '      credentials: wrong-token-0123456789abcdef',
        '    static_configs:',
        `      - targets: ['${target(metricsUrl)}']`,
        '  - job_name: dashboard',
        '    params:',
        `      token: ['${TOKEN}']`,
        '    static_configs:',
        `      - targets: ['${target(dashboardUrl)}']`,
        '',
      ].join('\n'),
    );
    const webPort = await freePort();
    const prometheus: ChildProcess = spawn(
      PROMETHEUS,
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${webPort}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let promLog = '';
    prometheus.stderr?.setEncoding('utf8').on('data', (c: string) => {
      promLog = (promLog + c).slice(-20_000);
    });
    started.push({
      kill: () =>
        prometheus.exitCode === null &&
        new Promise((resolve) => {
          prometheus.once('exit', resolve);
          prometheus.kill('SIGTERM');
        }),
    });

    const query = async (promql: string): Promise<Map<string, number>> => {
      const res = await fetch(`http://127.0.0.1:${webPort}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await res.json()) as {
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      return new Map(body.data.result.map((r) => [Object.values(r.metric).join(',') || '', Number(r.value[1])]));
    };
    const expected = new Map(Object.entries(COUNTS).map(([level, n]) => [level, n]));
    // Every level has its series, at 0 where nothing was logged (trace here).
    const nonZero = (got: Map<string, number>) => new Map([...got].filter(([, n]) => n !== 0));
    const sameAs = (got: Map<string, number>) =>
      nonZero(got).size === expected.size && [...expected].every(([k, v]) => got.get(k) === v);

    let port = new Map<string, number>();
    let dashboard = new Map<string, number>();
    let wrong = new Map<string, number>();
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      try {
        port = await query('sum by (level) (pulselog_records_total{job="port",source="app"})');
        dashboard = await query('sum by (level) (pulselog_records_total{job="dashboard",source="app"})');
        wrong = await query('up{job="wrong-token"}');
        if (sameAs(port) && sameAs(dashboard) && wrong.size === 1) break;
      } catch {
        // Prometheus is still starting.
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(Object.fromEntries(nonZero(port)), promLog).toEqual(COUNTS);
    expect(Object.fromEntries(nonZero(dashboard))).toEqual(COUNTS);
    expect([...wrong.values()]).toEqual([0]);
    const up = await query('up{job=~"port|dashboard"}');
    expect([...up.values()]).toEqual([1, 1]);
    // The process metrics of prom-client come with the logger's own.
    expect((await query('process_resident_memory_bytes{job="port"}')).size).toBe(1);
  });
});
