import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from './support/script.js';

const CLI = fileURLToPath(new URL('../packages/logger/dist/cli.js', import.meta.url));

/** The JSON of a tool's text answer, read loosely as a test reads it. */
// biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field with expect
function answerOf(result: Awaited<ReturnType<Client['callTool']>>): any {
  const content = result.content as { type: string; text: string }[];
  return JSON.parse(content[0]?.text ?? 'null');
}

/** A loopback port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('pulselog mcp', () => {
  let project: string;
  let client: Client;

  beforeAll(async () => {
    const script = runScript('mcp-session.mjs');
    const { code } = await script.exited;
    expect(code, script.stderr()).toBe(0);
    project = script.cwd;
    client = new Client({ name: 'pulselog-e2e', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp'], cwd: project, stderr: 'pipe' }),
    );
  });

  afterAll(async () => {
    await client?.close();
  });

  it('lists its tools with their input schemas', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'get_record',
      'list_sessions',
      'profile_top',
      'read_health',
      'search_records',
      'summarize_session',
    ]);
    const search = tools.find((t) => t.name === 'search_records');
    expect(Object.keys(search?.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining(['session', 'query', 'from', 'to', 'after', 'limit']),
    );
  });

  it('lists the recorded session as ended', async () => {
    const sessions = answerOf(await client.callTool({ name: 'list_sessions', arguments: {} }));
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ name: 'train', live: false, ended: true });
  });

  it('finds the error records by query, and one of them whole with its stack', async () => {
    const page = answerOf(
      await client.callTool({ name: 'search_records', arguments: { query: 'level>=error manifest' } }),
    );
    expect(page.records).toHaveLength(1);
    const [hit] = page.records;
    expect(hit).toMatchObject({ level: 'error', msg: 'could not read the shard manifest', fields: { shard: 17 } });
    expect(hit.error).toMatch(/^SyntaxError: /);
    const record = answerOf(await client.callTool({ name: 'get_record', arguments: { seq: hit.seq } }));
    expect(record.err.stack).toContain('mcp-session.mjs');
    const errors = answerOf(
      await client.callTool({ name: 'search_records', arguments: { query: 'level>=error', limit: 2 } }),
    );
    expect(errors.records.map((r: { msg: string }) => r.msg)).toEqual([
      'could not read the shard manifest',
      'upload failed after 3 retries',
    ]);
    const rest = answerOf(
      await client.callTool({ name: 'search_records', arguments: { query: 'level>=error', after: errors.next } }),
    );
    expect(rest.records.map((r: { msg: string }) => r.msg)).toEqual(['upload failed after 5 retries']);
    expect(rest.next).toBeUndefined();
  });

  it('summarises the session: levels, alike errors counted together, the slow span, the checkpoint', async () => {
    const summary = answerOf(await client.callTool({ name: 'summarize_session', arguments: { session: 'train' } }));
    expect(summary.byLevel).toEqual({ info: 55, warning: 1, error: 3 });
    expect(summary.topErrors[0]).toMatchObject({ message: 'upload failed after 3 retries', count: 2 });
    expect(summary.spans[0]).toMatchObject({ name: 'load batch', calls: 26, anomalies: 1 });
    expect(summary.spans[0].maxMs).toBeGreaterThanOrEqual(150);
    expect(summary.checkpoints).toEqual([expect.objectContaining({ name: 'epoch', status: 'DONE', progress: 100 })]);
    expect(summary.ended.reason).toBe('shutdown');
  });

  it('answers a bad request with an error the assistant can read', async () => {
    const result = await client.callTool({ name: 'get_record', arguments: { session: 'nope', seq: 1 } });
    expect(result.isError).toBe(true);
    expect((result.content as { text: string }[])[0]?.text).toContain("no session 'nope'");
  });

  it('reads a running dashboard whose session has no recording', async () => {
    const port = await freePort();
    const script = runScript('mcp-live.mjs', { PULSELOG_PORT: String(port), PULSELOG_LINGER: '0' });
    const live = new Client({ name: 'pulselog-e2e', version: '1.0.0' });
    try {
      await new Promise<void>((resolve, reject) => {
        script.child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
        script.exited.then(() => reject(new Error(`the script ended early: ${script.stderr()}`)));
      });
      await live.connect(
        new StdioClientTransport({
          command: process.execPath,
          args: [CLI, 'mcp'],
          cwd: script.cwd,
          env: { ...process.env, PULSELOG_PORT: String(port) } as Record<string, string>,
          stderr: 'pipe',
        }),
      );
      const sessions = answerOf(await live.callTool({ name: 'list_sessions', arguments: {} }));
      expect(sessions).toEqual([
        expect.objectContaining({ name: 'live-job', live: true, ended: false, dashboard: `http://127.0.0.1:${port}` }),
      ]);
      expect(sessions[0].file).toBeUndefined();
      const page = answerOf(await live.callTool({ name: 'search_records', arguments: { query: 'status>=500' } }));
      expect(page.records.map((r: { fields: { i: number } }) => r.fields.i)).toEqual([10, 20, 30, 40, 50]);
      const summary = answerOf(await live.callTool({ name: 'summarize_session', arguments: {} }));
      expect(summary).toMatchObject({ live: true, records: 51, byLevel: { info: 50, error: 1 } });
      expect(summary.topErrors[0].message).toBe('upstream timed out (Error: socket hang up)');
    } finally {
      await live.close();
      script.child.stdin?.end();
      await script.exited;
    }
  });

  it("reads a profiled run's health and names its busiest function", async () => {
    const script = runScript('insight-busy.mjs', { PULSELOG_PROFILE: '1', PULSELOG_DASHBOARD: '0' }, ['6']);
    const { code } = await script.exited;
    expect(code, script.stderr()).toBe(0);
    const insight = new Client({ name: 'pulselog-e2e', version: '1.0.0' });
    try {
      await insight.connect(
        new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp'], cwd: script.cwd, stderr: 'pipe' }),
      );
      const health = answerOf(await insight.callTool({ name: 'read_health', arguments: { points: 2 } }));
      expect(health.samples).toBeGreaterThanOrEqual(2);
      expect(health.series.length).toBeLessThanOrEqual(2);
      expect(health.overall.cpuPercent.max).toBeGreaterThan(10);
      expect(health.overall.rssMb.min).toBeGreaterThan(10);
      const top = answerOf(await insight.callTool({ name: 'profile_top', arguments: { limit: 5 } }));
      expect(top.sampledMs).toBeGreaterThan(500);
      // The busy function is among the first (e2e/insight checks that it is first in the .cpuprofile; here the
      // list is read through MCP). On a loaded machine the program's start (reading and compiling modules)
      // can take a large share of a short run's samples, and V8 may give the loop's samples to the module
      // body that calls it (README, "Health and the profiler"): either way a function of the busy script.
      const busy = top.functions.findIndex(
        (f: { function: string; location: string }) =>
          f.function === 'crunchNumbers' || /insight-busy\.mjs:\d+$/.test(f.location),
      );
      // The whole list on failure: which frames took the time instead.
      expect(busy, JSON.stringify(top.functions)).toBeGreaterThanOrEqual(0);
      expect(busy).toBeLessThanOrEqual(2);
      expect(top.functions[busy].location).toMatch(/insight-busy\.mjs:(11|0)$/);
      expect(top.functions[busy].selfPercent).toBeGreaterThan(25);
      // A range before the run has no samples, and says why.
      const none = answerOf(await insight.callTool({ name: 'profile_top', arguments: { to: 0 } }));
      expect(none.functions).toEqual([]);
      expect(none.note).toContain('PULSELOG_PROFILE=1');
    } finally {
      await insight.close();
    }
  });

  it('prints its help', () => {
    expect(execFileSync(process.execPath, [CLI, 'mcp', '--help'], { encoding: 'utf8' })).toContain(
      'Usage: pulselog mcp',
    );
  });
});
