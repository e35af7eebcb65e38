import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { findConfigFile } from '../config.js';
import type { Output, OutputContext, OutputFactory } from './output.js';
import type { PipelineData, ResolvedOutput } from './protocol.js';

/**
 * Loads an output inside the pipeline thread: imports its module, calls its
 * default export with the options and its context (name, service, state
 * folder) and checks that what comes back can take batches. A package name
 * resolves from the program's working directory, where the program's own
 * dependencies are, before pulselog's.
 */
export async function loadOutput(spec: ResolvedOutput, data: Pick<PipelineData, 'cwd' | 'header'>): Promise<Output> {
  const module = (
    spec.target.startsWith(BUILT_IN_DIR)
      ? requireBuiltIn(spec.target)
      : await import(resolveTarget(spec.target, data.cwd))
  ) as { default?: unknown };
  const factory = module.default;
  if (typeof factory !== 'function') {
    throw new Error(`output '${spec.name}': ${spec.target} has no default export that makes an output`);
  }
  const output = (await (factory as OutputFactory)(spec.options, outputContext(spec, data))) as Output | undefined;
  if (output === null || typeof output !== 'object' || typeof output.write !== 'function') {
    throw new Error(`output '${spec.name}': the factory of ${spec.target} did not return an object with write(batch)`);
  }
  return output;
}

/** Where the built-in outputs' modules are (`outputs-config.ts` names them by URL there). */
const BUILT_IN_DIR = new URL('../outputs/', import.meta.url).href;

/**
 * A built-in output's module, loaded in one synchronous step before the
 * thread takes its first message (ours have no top-level await). An
 * `import()` takes a turn of the event loop per file, and while a program
 * logs fast each turn also takes a slice of its messages: the output was
 * ready, and sent its first records, seconds late.
 */
function requireBuiltIn(target: string): unknown {
  return createRequire(import.meta.url)(fileURLToPath(target));
}

/** The context of an output: its name, the logger's name from the session header, the project's `.pulselog`. */
export function outputContext(spec: ResolvedOutput, data: Pick<PipelineData, 'cwd' | 'header'>): OutputContext {
  let service = 'pulselog';
  try {
    const name = (JSON.parse(data.header) as { session?: { name?: unknown } }).session?.name;
    if (typeof name === 'string' && name !== '') service = name;
  } catch {
    // A header that is not JSON leaves the default name; the session file reports its own problems.
  }
  const config = findConfigFile(data.cwd);
  const projectDir = config === undefined ? resolve(data.cwd) : dirname(config);
  return { name: spec.name, service, stateDir: join(projectDir, '.pulselog') };
}

function resolveTarget(target: string, cwd: string): string {
  if (target.startsWith('file:')) return target;
  try {
    return pathToFileURL(createRequire(join(cwd, 'noop.js')).resolve(target)).href;
  } catch {
    // An ESM-only package without a `require` condition: import resolves it from here.
    return target;
  }
}
