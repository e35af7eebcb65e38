import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Output, OutputFactory } from './output.js';
import type { ResolvedOutput } from './protocol.js';

/**
 * Loads an output inside the pipeline thread: imports its module, calls its
 * default export with the options and checks that what comes back can take
 * batches. A package name resolves from the program's working directory,
 * where the program's own dependencies are, before pulselog's.
 */
export async function loadOutput(spec: ResolvedOutput, cwd: string): Promise<Output> {
  const module = (await import(resolveTarget(spec.target, cwd))) as { default?: unknown };
  const factory = module.default;
  if (typeof factory !== 'function') {
    throw new Error(`output '${spec.name}': ${spec.target} has no default export that makes an output`);
  }
  const output = (await (factory as OutputFactory)(spec.options)) as Output | undefined;
  if (output === null || typeof output !== 'object' || typeof output.write !== 'function') {
    throw new Error(`output '${spec.name}': the factory of ${spec.target} did not return an object with write(batch)`);
  }
  return output;
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
