/**
 * `pulselog mcp`: a Model Context Protocol server over stdio for AI
 * assistants, reading this project's session recordings. The MCP SDK is an
 * optional dependency, loaded only here.
 */
import { parseArgs } from 'node:util';
import { resolveConfig } from '../config.js';

/** `pulselog mcp --help`. */
export const MCP_HELP = `Usage: pulselog mcp [options]

Runs a Model Context Protocol server on stdin/stdout that lets an AI assistant
read this project's pulselog sessions: list them, search records with the
dashboard's query language, read a record whole, summarise a session (levels,
sources, top errors, slowest spans, checkpoints). A running program's session
is read from its recording as its pipeline writes it, or from its dashboard
(the project's port and token) when it records none.

Add it to an MCP client as the command \`npx pulselog mcp\`, run in the project.
Needs the MCP SDK beside pulselog: npm i -D @modelcontextprotocol/sdk zod

Options:
  --dir DIR    the session folder (default: sessionDir from pulselog.toml or
               PULSELOG_SESSION_DIR, else .pulselog/sessions)
  -h, --help   print this help
`;

/** Runs the command; resolves with the exit code once the client disconnects. */
export async function mcpCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(MCP_HELP);
    return 0;
  }
  const config = resolveConfig({}, { name: 'mcp' });
  const dir = values.dir ?? config.sessionDir;
  let modules: [typeof import('./server.js'), typeof import('@modelcontextprotocol/sdk/server/stdio.js')];
  try {
    modules = await Promise.all([import('./server.js'), import('@modelcontextprotocol/sdk/server/stdio.js')]);
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND';
    process.stderr.write(
      missing
        ? 'pulselog mcp needs the MCP SDK: npm i -D @modelcontextprotocol/sdk zod\n'
        : `pulselog mcp: ${(err as Error).message}\n`,
    );
    return 1;
  }
  const [{ serveMcp }, { StdioServerTransport }] = modules;
  // Everything on stdout is protocol: notes go to stderr.
  process.stderr.write(
    `pulselog mcp: serving ${dir === false ? 'no session folder' : `the sessions in ${dir}`} and the dashboard on port ${config.port}\n`,
  );
  await serveMcp(
    { dir, projectDir: config.projectDir, port: config.port, token: config.token },
    new StdioServerTransport(),
  );
  return 0;
}
