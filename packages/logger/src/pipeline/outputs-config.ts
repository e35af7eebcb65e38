import { basename, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isLevelName } from '@pulselog/shared';
import { PulselogError } from '../errors.js';
import type { OutputSpec } from './output.js';
import type { ResolvedOutput } from './protocol.js';

/** Outputs pulselog ships, named by a bare `target`: each is a module of `outputs/`. */
export const BUILT_IN_OUTPUTS = ['otlp', 'loki', 'elasticsearch', 'splunk', 'pretty'] as const;

/** Default bound of an output's backlog, in characters of lines. */
export const DEFAULT_MAX_BACKLOG_CHARS = 256 * 1024 * 1024;

/**
 * Bound of the terminal's backlog: a flood no one can read scrolls past a
 * terminal anyway, so lines it cannot take drop (counted) long before the
 * pipeline thread holds hundreds of megabytes for it.
 */
export const PRETTY_MAX_BACKLOG_CHARS = 16 * 1024 * 1024;

/**
 * Checks the `outputs` option at setup and resolves each target the way the
 * user meant it: a path relative to the working directory, an absolute path
 * or a `file:` URL become a `file:` URL; anything else is a package name.
 * Throws a `PulselogError` naming the entry for anything the pipeline thread
 * could not use.
 */
export function resolveOutputs(specs: readonly OutputSpec[] | undefined, cwd: string): ResolvedOutput[] {
  if (specs === undefined) return [];
  if (!Array.isArray(specs)) throw configError('outputs must be an array of { target, options, level }');
  const names = new Set<string>();
  return specs.map((spec, i) => {
    const where = `outputs[${i}]`;
    if (spec === null || typeof spec !== 'object') throw configError(`${where} must be an object with a target`);
    const { target, options, level, name, maxBacklogChars } = spec;
    if (typeof target !== 'string' || target.trim() === '') {
      throw configError(`${where}.target must be a module: a path, a file: URL or a package name`);
    }
    if (level !== undefined && !isLevelName(level)) {
      throw configError(
        `${where}.level must be one of trace, debug, info, warning, error, critical, not ${String(level)}`,
      );
    }
    if (
      maxBacklogChars !== undefined &&
      (typeof maxBacklogChars !== 'number' || !Number.isFinite(maxBacklogChars) || maxBacklogChars <= 0)
    ) {
      throw configError(`${where}.maxBacklogChars must be a positive number`);
    }
    const url = targetUrl(target, cwd);
    let outputName = typeof name === 'string' && name !== '' ? name : defaultName(target);
    for (let n = 2; names.has(outputName); n++) outputName = `${defaultName(target)}-${n}`;
    names.add(outputName);
    try {
      structuredClone(options);
    } catch (err) {
      throw configError(
        `${where}.options must be plain data (it is copied to the pipeline thread): ${(err as Error).message}`,
      );
    }
    return {
      target: url,
      options,
      level,
      name: outputName,
      maxBacklogChars: maxBacklogChars ?? DEFAULT_MAX_BACKLOG_CHARS,
    };
  });
}

/**
 * The outputs with the terminal one the logger adds of itself when `pretty`
 * is on (the built-in `pretty` output on stderr, every record, `color` as
 * resolved) first, unless `outputs` names `pretty` already, with options of its own.
 */
export function withPretty(outputs: ResolvedOutput[], pretty: boolean, color: boolean): ResolvedOutput[] {
  const target = targetUrl('pretty', '');
  if (!pretty || outputs.some((o) => o.target === target)) return outputs;
  const name = outputs.some((o) => o.name === 'pretty') ? 'pretty-terminal' : 'pretty';
  return [
    { target, options: { color }, level: undefined, name, maxBacklogChars: PRETTY_MAX_BACKLOG_CHARS },
    ...outputs,
  ];
}

function targetUrl(target: string, cwd: string): string {
  if ((BUILT_IN_OUTPUTS as readonly string[]).includes(target)) {
    return new URL(`../outputs/${target}.js`, import.meta.url).href;
  }
  if (target.startsWith('file:')) return target;
  if (isAbsolute(target) || target.startsWith('./') || target.startsWith('../') || target.startsWith('.\\')) {
    return pathToFileURL(resolve(cwd, target)).href;
  }
  return target;
}

function defaultName(target: string): string {
  const file = basename(target.replace(/^file:\/\//, ''));
  return file.replace(/\.(m|c)?(j|t)s$/, '') || target;
}

function configError(message: string): PulselogError {
  return new PulselogError('PULSELOG_ERR_CONFIG', message);
}
