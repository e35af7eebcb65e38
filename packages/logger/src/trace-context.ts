/**
 * Trace correlation: the active OpenTelemetry span's ids, for records logged
 * inside it. `@opentelemetry/api` is an optional peer: it is looked for once,
 * when a logger is made, and never imported statically, so a program without
 * it loads nothing and pays one `undefined` check per call.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { SpanIds } from './encode/template.js';

export type { SpanIds } from './encode/template.js';

/**
 * Where `@opentelemetry/api` 1.x keeps what is registered (context manager,
 * tracer provider), shared by every copy of the API of that major version.
 */
const API_REGISTRY = Symbol.for('opentelemetry.js.api.1');

/** Returns the active span's ids, or `undefined` outside a valid span. */
export type ActiveSpan = () => SpanIds | undefined;

/** The part of `@opentelemetry/api` read here. */
export interface OtelApi {
  trace: { getActiveSpan(): { spanContext(): SpanIds } | undefined };
  isSpanContextValid(context: SpanIds): boolean;
}

/**
 * Where `@opentelemetry/api` is looked for: beside pulselog (an optional peer
 * dependency, linked there when the program has it), then from the working
 * directory (a program that installed it without pulselog seeing it).
 */
function requireApi(): OtelApi | undefined {
  for (const from of [import.meta.url, join(process.cwd(), 'package.json')]) {
    try {
      return createRequire(from)('@opentelemetry/api') as OtelApi;
    } catch {
      // Not there: the next place, or no trace context at all.
    }
  }
  return undefined;
}

/**
 * The function that reads the active span, or `undefined` when
 * `@opentelemetry/api` cannot be loaded (not installed, or too old to have
 * `trace.getActiveSpan`). The API keeps its context manager and tracer
 * provider in a global registry, so the copy found here sees the spans the
 * program's own copy starts.
 */
export function loadActiveSpan(): ActiveSpan | undefined {
  return activeSpanReader(requireApi());
}

/** The API's registry, as far as it is read here. */
type Registry = { context?: unknown };

/** The global object, indexed by the registry's symbol. */
const GLOBAL = globalThis as unknown as Record<symbol, Registry | undefined>;

/**
 * Whether the API's registry exists, without asking the global object on
 * every call: a property the global object lacks is looked up the slow way
 * each time (about 200 instructions, two thirds of a log call), which a
 * program that has the API installed but registers nothing would pay on
 * every record. So while the registry is missing, an accessor stands in for
 * it: the API reads `undefined` through it, as before, and the API's first
 * registration replaces it with the plain property the API meant to make
 * (the global then looks as it would without pulselog) and sets `exists`.
 * The registry is the process's, so this is too: one for every logger.
 */
const registryWatch = { exists: false, installed: false };

function watchRegistry(): void {
  if (registryWatch.installed || registryWatch.exists) return;
  if (Object.getOwnPropertyDescriptor(GLOBAL, API_REGISTRY) !== undefined) {
    registryWatch.exists = true;
    return;
  }
  try {
    Object.defineProperty(GLOBAL, API_REGISTRY, {
      configurable: true,
      enumerable: false,
      get: () => undefined,
      set(value: Registry | undefined) {
        Object.defineProperty(GLOBAL, API_REGISTRY, { value, writable: true, enumerable: true, configurable: true });
        registryWatch.exists = true;
      },
    });
    registryWatch.installed = true;
  } catch {
    // A global that takes no new property (frozen): the registry is looked for on every call instead.
    registryWatch.exists = true;
  }
}

/** The reader of the active span's ids through `api`; `undefined` without a usable API. */
export function activeSpanReader(api: OtelApi | undefined): ActiveSpan | undefined {
  const trace = api?.trace;
  const isValid = api?.isSpanContextValid;
  if (typeof trace?.getActiveSpan !== 'function' || typeof isValid !== 'function') return undefined;
  watchRegistry();
  // A span hands out the same `SpanContext` object on every call: checked once, not per record.
  let lastValid: SpanIds | undefined;
  let registry: Registry | undefined;
  const activeIds = (): SpanIds | undefined => {
    const span = trace.getActiveSpan();
    if (span === undefined) return undefined;
    const ids = span.spanContext();
    if (ids === lastValid) return ids;
    // A span started with no SDK registered has all-zero ids: nothing to correlate with.
    if (!isValid(ids)) return undefined;
    lastValid = ids;
    return ids;
  };
  // Kept this small so that V8 inlines it into every level call: asking the API is a call of its own.
  return () => {
    // Without a context manager no span can be active, and asking the API costs a tenth of a
    // call: its registry tells (made at the first registration, so looked for until then).
    if (registry === undefined) {
      if (!registryWatch.exists) return undefined;
      registry = GLOBAL[API_REGISTRY];
      if (registry === undefined) return undefined;
    }
    return registry.context === undefined ? undefined : activeIds();
  };
}
