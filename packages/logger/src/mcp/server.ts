import { basename } from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { z } from 'zod';
import { VERSION } from '../version.js';
import { recordOf, type SessionRead, searchSession, summarizeSession } from './answers.js';
import { profileTop, readHealth } from './insight.js';
import { findLiveDashboard, type LiveDashboard, readLiveSession } from './live.js';
import { listSessions, readSession, type SessionEntry } from './session-reader.js';

/**
 * The MCP server of `pulselog mcp`: tools that let an AI assistant read this
 * project's sessions. Every answer is JSON text; sessions are named by the
 * id `list_sessions` gives, by logger name (its newest session), or left out
 * (the newest session of all). The sessions are the recordings in the
 * session folder and the session of the project's running dashboard, if one
 * answers: a live session is read from its recording when it has one (the
 * same records, all of them) and from the dashboard otherwise.
 */

/** Where `createMcpServer` finds sessions. */
export interface McpSources {
  /** The session folder, or `false` when the project records none. */
  dir: string | false;
  /** The project's folder (its `.pulselog/token`) and dashboard port, to find a running dashboard. */
  projectDir: string;
  port: number;
  /** The dashboard token when it is not the project's stored one (`PULSELOG_TOKEN`). */
  token?: string;
}

/** A session a tool can read. */
interface Known {
  id: string;
  name: string;
  startedAt: number;
  live: boolean;
  ended: boolean;
  file?: string;
  /** The running dashboard showing it. */
  dashboard?: LiveDashboard;
}

const session = z
  .string()
  .optional()
  .describe('A session id from list_sessions, or a logger name for its newest session; default: the newest session');
const time = z.union([z.string(), z.number()]).optional().describe('An ISO 8601 time, or milliseconds since the epoch');

/** Milliseconds since the epoch from an ISO time or a number; throws on anything else. */
function toMs(value: string | number | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new Error(`${what} is not a time: ${String(value)}`);
  return ms;
}

const json = (value: unknown) => ({ content: [{ type: 'text' as const, text: JSON.stringify(value, null, 2) }] });
const failure = (message: string) => ({ content: [{ type: 'text' as const, text: message }], isError: true });

/** The recordings and the running dashboard's session, newest first; the dashboard's joins its recording. */
async function knownSessions(sources: McpSources): Promise<Known[]> {
  const files: SessionEntry[] = sources.dir === false ? [] : listSessions(sources.dir);
  const known: Known[] = files.map((f) => ({ ...f }));
  const live = await findLiveDashboard(sources.projectDir, sources.port, sources.token);
  if (live) {
    const recorded = known.find((k) => k.name === live.session.name && k.startedAt === live.session.startedAt);
    if (recorded) Object.assign(recorded, { dashboard: live, live: true });
    else {
      known.push({
        id: live.session.id,
        name: live.session.name,
        startedAt: live.session.startedAt,
        live: true,
        ended: false,
        dashboard: live,
      });
    }
  }
  return known.sort((a, b) => b.startedAt - a.startedAt);
}

/** How to read a session: its recording when it has one, else its dashboard. */
function readerOf(session: Known): SessionRead {
  if (session.file) {
    const file = session.file;
    return (visitor) => readSession(file, visitor);
  }
  const live = session.dashboard as LiveDashboard;
  return (visitor) => readLiveSession(live, visitor);
}

/** Builds the server over the project's sessions, ready to be connected to a transport. */
export function createMcpServer(sources: McpSources): McpServer {
  const server = new McpServer({ name: 'pulselog', version: VERSION });
  const where = sources.dir === false ? 'this project (it records no sessions)' : sources.dir;

  const pick = async (wanted: string | undefined): Promise<Known> => {
    const sessions = await knownSessions(sources);
    if (sessions.length === 0)
      throw new Error(`no sessions in ${where}, and no dashboard running on port ${sources.port}`);
    if (wanted === undefined) return sessions[0] as Known;
    const hit = sessions.find((s) => s.id === wanted) ?? sessions.find((s) => s.name === wanted);
    if (!hit) throw new Error(`no session '${wanted}' in ${where}; list_sessions names them`);
    return hit;
  };
  /** Runs a tool's work, turning a thrown error into an error result the assistant can read. */
  const answer = async (work: () => Promise<unknown>) => {
    try {
      return json(await work());
    } catch (err) {
      return failure(err instanceof Error ? err.message : String(err));
    }
  };

  server.registerTool(
    'list_sessions',
    {
      title: 'List sessions',
      description:
        "Lists the project's pulselog sessions, newest first: id, logger name, start time, whether the program still runs (live), and the running dashboard showing it, if any.",
      inputSchema: { name: z.string().optional().describe('Only sessions of this logger name') },
      annotations: { readOnlyHint: true },
    },
    async ({ name }) =>
      answer(async () =>
        (await knownSessions(sources))
          .filter((s) => name === undefined || s.name === name)
          .map((s) => ({
            id: s.id,
            name: s.name,
            startedAt: new Date(s.startedAt).toISOString(),
            live: s.live,
            ended: s.ended,
            ...(s.file ? { file: basename(s.file) } : {}),
            ...(s.dashboard ? { dashboard: s.dashboard.origin, tabs: s.dashboard.stats.clients } : {}),
          })),
      ),
  );

  server.registerTool(
    'search_records',
    {
      title: 'Search records',
      description: [
        "Finds records of a session with the dashboard's query language, oldest first, one page at a time.",
        'Words match message, fields and errors (all must match; "quoted phrases", /regex/).',
        'Conditions: level>=warning, status>=500, user=alice, err.name=TypeError, source:api, tag:job-1,',
        'has:field, -word or NOT to exclude, OR and parentheses, since:15m.',
        'Pass the returned `next` as `after` for the next page.',
      ].join(' '),
      inputSchema: {
        session,
        query: z.string().optional().describe('The query, e.g. `level>=error timeout`; empty matches every record'),
        from: time,
        to: time,
        after: z.number().int().optional().describe('Only records after this sequence number (from `next`)'),
        limit: z.number().int().min(1).max(200).optional().describe('Records per page, default 50'),
      },
      annotations: { readOnlyHint: true },
    },
    async ({ session: wanted, query, from, to, after, limit }) =>
      answer(async () => {
        const entry = await pick(wanted);
        const page = await searchSession(readerOf(entry), {
          query,
          from: toMs(from, 'from'),
          to: toMs(to, 'to'),
          after,
          limit,
        });
        return { session: entry.id, ...page };
      }),
  );

  server.registerTool(
    'get_record',
    {
      title: 'Get a record',
      description: 'Returns one record of a session whole: message, every field, the error with its stack and causes.',
      inputSchema: { session, seq: z.number().int().min(1).describe("The record's sequence number") },
      annotations: { readOnlyHint: true },
    },
    async ({ session: wanted, seq }) =>
      answer(async () => {
        const entry = await pick(wanted);
        const record = await recordOf(readerOf(entry), seq);
        if (!record) throw new Error(`session ${entry.id} has no record ${seq}`);
        return record;
      }),
  );

  server.registerTool(
    'summarize_session',
    {
      title: 'Summarize a session',
      description:
        'Summarizes a session: records by level and by source, the most frequent error messages with counts, the slowest spans (median, p95, max, anomalies), checkpoints with status and progress, gaps, and how it ended.',
      inputSchema: { session },
      annotations: { readOnlyHint: true },
    },
    async ({ session: wanted }) =>
      answer(async () => {
        const entry = await pick(wanted);
        return { session: entry.id, live: entry.live, ...(await summarizeSession(readerOf(entry))) };
      }),
  );

  server.registerTool(
    'read_health',
    {
      title: 'Read process health',
      description:
        "The process's health over a time range, from the samples the logger takes once a second: CPU (percent of one core), RSS and heap (MB), event-loop delay (p99, max, ms) and GC time; the least, median and most of each, and the range in stretches.",
      inputSchema: {
        session,
        from: time,
        to: time,
        points: z.number().int().min(1).max(500).optional().describe('Stretches the range is cut into, default 60'),
      },
      annotations: { readOnlyHint: true },
    },
    async ({ session: wanted, from, to, points }) =>
      answer(async () => {
        const entry = await pick(wanted);
        const health = await readHealth(readerOf(entry), { from: toMs(from, 'from'), to: toMs(to, 'to') }, points);
        return { session: entry.id, ...health };
      }),
  );

  server.registerTool(
    'profile_top',
    {
      title: 'Top functions of the profile',
      description:
        'The functions that took the most CPU over a time range, from the continuous profiler (a session run with profile: true or PULSELOG_PROFILE=1): self time, its share of the sampled time, total time, and file:line.',
      inputSchema: {
        session,
        from: time,
        to: time,
        limit: z.number().int().min(1).max(200).optional().describe('Functions to list, default 20'),
      },
      annotations: { readOnlyHint: true },
    },
    async ({ session: wanted, from, to, limit }) =>
      answer(async () => {
        const entry = await pick(wanted);
        const top = await profileTop(readerOf(entry), { from: toMs(from, 'from'), to: toMs(to, 'to') }, limit);
        if (top.functions.length === 0) {
          return {
            session: entry.id,
            ...top,
            note: 'no profile samples in this range: run with profile: true or PULSELOG_PROFILE=1',
          };
        }
        return { session: entry.id, ...top };
      }),
  );

  return server;
}

/** Serves the project's sessions over `transport` until it closes. */
export async function serveMcp(sources: McpSources, transport: Transport): Promise<void> {
  const server = createMcpServer(sources);
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
  });
  await server.connect(transport);
  await closed;
}
