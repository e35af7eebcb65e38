/**
 * The `otlp` output: OpenTelemetry's OTLP/HTTP logs, `http/protobuf` (the
 * default) or `http/json`, gzip-compressed, encoded by the official
 * `@opentelemetry/otlp-transformer` (loaded only when this output is used;
 * install it and `@opentelemetry/resources` beside pulselog).
 *
 * Levels map to `severityNumber` (trace 1, debug 5, info 9, warning 13, error 17,
 * critical 21), fields to attributes, the logger's name to `service.name`,
 * `trace_id`/`span_id`/`trace_flags` fields to the record's trace context,
 * an error to `exception.*` attributes.
 *
 * Settings: `endpoint` (the collector's address; `/v1/logs` is added), else
 * `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` (used as is), else
 * `OTEL_EXPORTER_OTLP_ENDPOINT` (plus `/v1/logs`), else
 * `http://localhost:4318`; `headers` and `OTEL_EXPORTER_OTLP_HEADERS` /
 * `OTEL_EXPORTER_OTLP_LOGS_HEADERS` (`k=v,k2=v2`); `protocol` or
 * `OTEL_EXPORTER_OTLP_LOGS_PROTOCOL` / `OTEL_EXPORTER_OTLP_PROTOCOL`;
 * `serviceName`, else `OTEL_SERVICE_NAME`, else `service.name` of
 * `OTEL_RESOURCE_ATTRIBUTES` (whose other attributes join the resource),
 * else the logger's name; and the delivery settings of `settings.ts`
 * (`concurrency`, the requests in flight at once, is 4 here: OTLP does not
 * need records in order; `batchRecords` is 4,000).
 */
import { createRequire } from 'node:module';
import type { ProtobufLogsSerializer as Serializer } from '@opentelemetry/otlp-transformer';
import { LEVELS, type LevelName } from '@pulselog/shared';
import type { Output, OutputContext } from '../pipeline/output.js';
import { VERSION } from '../version.js';
import { type Attempt, apiUrl, type HttpReply, post, replyOutcome } from './http.js';
import { outgoing } from './record.js';
import { deliveryOutput, Settings } from './settings.js';

type LogRecords = Parameters<typeof Serializer.serializeRequest>[0];
type LogsSerializer = typeof Serializer;

/** OpenTelemetry's severity number of each level. */
export const SEVERITY: Record<LevelName, number> = {
  trace: 1,
  debug: 5,
  info: 9,
  warning: 13,
  error: 17,
  critical: 21,
};

/** Requests in flight at once by default (option `concurrency`): enough to keep the pipeline thread busy while replies travel. */
const OTLP_CONCURRENCY = 4;

/**
 * Most records in one request by default (option `batchRecords`): a request
 * of 1,000 W2 records cost about a fifth more CPU per record than one of
 * 4,000 (a gzip stream, a serializer's buffer and an HTTP exchange each);
 * the 1 MB bound of `batchBytes` still holds large records to fewer.
 */
const OTLP_BATCH_RECORDS = 4000;

/** The protocols OTLP/HTTP has. */
const PROTOCOLS = ['http/protobuf', 'http/json'] as const;
type Protocol = (typeof PROTOCOLS)[number];

/** `k=v,k2=v2` (percent-encoded values), as the `OTEL_*` variables of headers and resource attributes hold. */
export function parseKeyValues(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (text ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    out[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return out;
}

/** Where the logs go: the option, then the standard variables, then the collector's default. */
export function logsEndpoint(endpoint: string | undefined, env: NodeJS.ProcessEnv): string {
  if (endpoint !== undefined) return apiUrl(endpoint, '/v1/logs');
  if (env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT) return env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT;
  return apiUrl(env.OTEL_EXPORTER_OTLP_ENDPOINT || 'http://localhost:4318', '/v1/logs');
}

/** The SDK-shaped log records the official serializers take, made from record lines. */
export function toLogRecords(
  lines: readonly string[],
  resource: LogRecords[number]['resource'],
  scope: LogRecords[number]['instrumentationScope'],
): LogRecords {
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

/** Reads OTLP's reply: a partial success names how many records the collector refused. */
function otlpOutcome(
  reply: HttpReply,
  lines: readonly string[],
  protocol: Protocol,
  serializer: LogsSerializer,
): Attempt {
  const outcome = replyOutcome(reply, lines);
  if (outcome.sent === 0 || reply.body.length === 0) return outcome;
  let rejected = 0;
  let message: string | undefined;
  try {
    const partial =
      protocol === 'http/json'
        ? (
            JSON.parse(reply.text) as {
              partialSuccess?: { rejectedLogRecords?: number | string; errorMessage?: string };
            }
          ).partialSuccess
        : serializer.deserializeResponse(reply.body).partialSuccess;
    rejected = Number(partial?.rejectedLogRecords ?? 0);
    message = partial?.errorMessage || undefined;
  } catch {
    return outcome;
  }
  if (!(rejected > 0)) return outcome;
  return { sent: lines.length - rejected, rejected, retry: [], message: message ?? `${rejected} records rejected` };
}

/** Makes the output; loads the OpenTelemetry packages first. */
export default async function otlp(options: unknown, context: OutputContext): Promise<Output> {
  const env = process.env;
  const settings = new Settings('otlp', options, env);
  const protocol = (settings.text('protocol', 'OTEL_EXPORTER_OTLP_LOGS_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL') ??
    'http/protobuf') as Protocol;
  if (!PROTOCOLS.includes(protocol)) {
    throw new Error(
      `output otlp: protocol must be http/protobuf or http/json, not ${protocol} (grpc is not supported)`,
    );
  }
  const url = logsEndpoint(settings.text('endpoint'), env);
  const headers = {
    ...parseKeyValues(env.OTEL_EXPORTER_OTLP_HEADERS),
    ...parseKeyValues(env.OTEL_EXPORTER_OTLP_LOGS_HEADERS),
    ...settings.record('headers'),
    'content-type': protocol === 'http/json' ? 'application/json' : 'application/x-protobuf',
  };
  const { serializer, resourceFromAttributes } = loadOpenTelemetry(protocol);
  const resourceAttributes = parseKeyValues(env.OTEL_RESOURCE_ATTRIBUTES);
  const serviceName =
    settings.text('serviceName', 'OTEL_SERVICE_NAME') ?? resourceAttributes['service.name'] ?? context.service;
  const resource = resourceFromAttributes({ ...resourceAttributes, 'service.name': serviceName });
  // One scope object for every record: the serializer groups records by scope identity.
  const scope = { name: '@pulselog/logger', version: VERSION };
  return deliveryOutput(
    settings,
    context,
    async (lines, signal) => {
      const body = serializer.serializeRequest(toLogRecords(lines, resource, scope));
      if (body === undefined) throw new Error('the OTLP serializer returned nothing');
      const reply = await post({ url, headers, body }, signal);
      return otlpOutcome(reply, lines, protocol, serializer);
    },
    // A collector orders records by their time, not by arrival: several requests may be in flight.
    { concurrency: OTLP_CONCURRENCY, batchRecords: OTLP_BATCH_RECORDS },
  );
}

/**
 * Loads the OpenTelemetry packages with `require`, in one synchronous step.
 * An `import()` of their ~180 modules takes a turn of the event loop per file
 * read, and the pipeline thread takes a slice of its messages at each turn:
 * while a program logs fast, that import took seconds, and the records waited.
 */
function loadOpenTelemetry(protocol: Protocol) {
  const require = createRequire(import.meta.url);
  try {
    const transformer = require('@opentelemetry/otlp-transformer') as typeof import('@opentelemetry/otlp-transformer');
    const resources = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
    return {
      serializer: protocol === 'http/json' ? transformer.JsonLogsSerializer : transformer.ProtobufLogsSerializer,
      resourceFromAttributes: resources.resourceFromAttributes,
    };
  } catch (err) {
    throw new Error(
      `output otlp needs @opentelemetry/otlp-transformer and @opentelemetry/resources: install them beside @pulselog/logger (${(err as Error).message})`,
    );
  }
}
