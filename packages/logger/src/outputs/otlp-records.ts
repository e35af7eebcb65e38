/**
 * The `otlp` output's mapping for the official `@opentelemetry/otlp-transformer`
 * serializers (record lines to the SDK-shaped log records they take, used
 * for `http/json`), the severity of each level, and the loading of those
 * packages. `otlp-protobuf.ts` maps the same way for `http/protobuf`.
 */
import { createRequire } from 'node:module';
import type { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { LEVELS, type LevelName } from '@pulselog/shared';
import { outgoing } from './record.js';

/** The log records an OTLP logs serializer takes. */
export type LogRecords = Parameters<typeof ProtobufLogsSerializer.serializeRequest>[0];
/** An OTLP logs serializer: `ProtobufLogsSerializer` or `JsonLogsSerializer`. */
export type LogsSerializer = typeof ProtobufLogsSerializer;
/** The resource every record of an output shares. */
export type OtlpResource = LogRecords[number]['resource'];
/** The instrumentation scope every record of an output shares. */
export type OtlpScope = LogRecords[number]['instrumentationScope'];

/** The protocols OTLP/HTTP has. */
export const PROTOCOLS = ['http/protobuf', 'http/json'] as const;
/** One of `PROTOCOLS`. */
export type Protocol = (typeof PROTOCOLS)[number];

/** OpenTelemetry's severity number of each level. */
export const SEVERITY: Record<LevelName, number> = {
  trace: 1,
  debug: 5,
  info: 9,
  warning: 13,
  error: 17,
  critical: 21,
};

/** The SDK-shaped log records the official serializers take, made from record lines. */
export function toLogRecords(lines: readonly string[], resource: OtlpResource, scope: OtlpScope): LogRecords {
  return lines.map((line) => {
    const { record, fields, traceId, spanId, traceFlags } = outgoing(line);
    const seconds = Math.floor(record.ts / 1000);
    const hrTime: [number, number] = [seconds, Math.round((record.ts - seconds * 1000) * 1e6)];
    // `fields` is this record's own copy: the attributes, without a second copy.
    const attributes = fields;
    attributes['pulselog.seq'] = record.seq;
    if (record.tag !== undefined) attributes['pulselog.tag'] = record.tag;
    if (record.err !== undefined) {
      attributes['exception.type'] = record.err.name;
      attributes['exception.message'] = record.err.message;
      if (record.err.stack !== undefined) attributes['exception.stacktrace'] = record.err.stack;
    }
    return {
      hrTime,
      hrTimeObserved: hrTime,
      severityNumber: SEVERITY[record.level] ?? LEVELS[record.level],
      severityText: record.level,
      body: record.msg,
      resource,
      instrumentationScope: scope,
      attributes: attributes as LogRecords[number]['attributes'],
      droppedAttributesCount: 0,
      // Always present, so that every record has one shape for the serializer.
      spanContext:
        traceId !== undefined && spanId !== undefined ? { traceId, spanId, traceFlags: traceFlags ?? 0 } : undefined,
    };
  });
}

/**
 * Loads the OpenTelemetry packages with `require`, in one synchronous step.
 * An `import()` of their ~180 modules takes a turn of the event loop per file
 * read, and a thread that takes messages at each turn would wait seconds
 * for them while a program logs fast.
 */
export function loadOpenTelemetry(protocol: Protocol) {
  const require = createRequire(import.meta.url);
  try {
    const transformer = require('@opentelemetry/otlp-transformer') as typeof import('@opentelemetry/otlp-transformer');
    const resources = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
    return {
      serializer: (protocol === 'http/json'
        ? transformer.JsonLogsSerializer
        : transformer.ProtobufLogsSerializer) as LogsSerializer,
      resourceFromAttributes: resources.resourceFromAttributes,
    };
  } catch (err) {
    throw missingPackages(err);
  }
}

/** Throws, saying what to install, unless the OpenTelemetry packages are there; loads nothing. */
export function findOpenTelemetry(): void {
  const require = createRequire(import.meta.url);
  try {
    require.resolve('@opentelemetry/otlp-transformer');
    require.resolve('@opentelemetry/resources');
  } catch (err) {
    throw missingPackages(err);
  }
}

function missingPackages(err: unknown): Error {
  return new Error(
    `output otlp needs @opentelemetry/otlp-transformer and @opentelemetry/resources: install them beside @pulselog/logger (${(err as Error).message})`,
  );
}
