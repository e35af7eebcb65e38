/**
 * The `otlp` output: OpenTelemetry's OTLP/HTTP logs, `http/protobuf` (the
 * default) or `http/json`, gzip-compressed, encoded on a thread of the
 * output's own (`otlp-encoder.ts`): protobuf written in one pass from the
 * lines (`otlp-protobuf.ts`), JSON by the official
 * `@opentelemetry/otlp-transformer` (install it and `@opentelemetry/resources`
 * beside pulselog; checked when the output is made).
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
import type { Output, OutputContext } from '../pipeline/output.js';
import { VERSION } from '../version.js';
import { type Attempt, apiUrl, type HttpReply, post, replyOutcome } from './http.js';
import { OtlpEncoder } from './otlp-encoder.js';
import { findOpenTelemetry, type LogsSerializer, loadOpenTelemetry, PROTOCOLS, type Protocol } from './otlp-records.js';
import { deliveryOutput, Settings } from './settings.js';

export { SEVERITY } from './otlp-records.js';

/** Requests in flight at once by default (option `concurrency`): enough to keep the pipeline thread busy while replies travel. */
const OTLP_CONCURRENCY = 4;

/**
 * Most records in one request by default (option `batchRecords`): a request
 * of 1,000 W2 records cost about a fifth more CPU per record than one of
 * 4,000 (a gzip stream, a serializer's buffer and an HTTP exchange each);
 * the 1 MB bound of `batchBytes` still holds large records to fewer.
 */
const OTLP_BATCH_RECORDS = 4000;

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

/** Reads OTLP's reply: a partial success names how many records the collector refused. */
function otlpOutcome(reply: HttpReply, lines: readonly string[], protocol: Protocol): Attempt {
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
        : protobufResponses().deserializeResponse(reply.body).partialSuccess;
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
  findOpenTelemetry();
  const resourceAttributes = parseKeyValues(env.OTEL_RESOURCE_ATTRIBUTES);
  const serviceName =
    settings.text('serviceName', 'OTEL_SERVICE_NAME') ?? resourceAttributes['service.name'] ?? context.service;
  const encoder = new OtlpEncoder({
    protocol,
    resource: { ...resourceAttributes, 'service.name': serviceName },
    scope: { name: '@pulselog/logger', version: VERSION },
  });
  // Here, so that missing packages fail the output's loading with their message.
  await encoder.start();
  const delivery = deliveryOutput(
    settings,
    context,
    async (lines, signal) => {
      const body = await encoder.encode(lines);
      const reply = await post({ url, headers, body, gzipped: true }, signal);
      return otlpOutcome(reply, lines, protocol);
    },
    // A collector orders records by their time, not by arrival: several requests may be in flight.
    { concurrency: OTLP_CONCURRENCY, batchRecords: OTLP_BATCH_RECORDS },
  );
  return {
    write: (batch) => delivery.write(batch),
    stats: () => delivery.stats(),
    async close() {
      // The last attempt at exit still encodes: the thread stops after it.
      await delivery.close();
      await encoder.close();
    },
  };
}

let responses: LogsSerializer | undefined;

/** The protobuf serializer, for the rare reply with a body (a partial success): loaded on the first one. */
function protobufResponses(): LogsSerializer {
  responses ??= loadOpenTelemetry('http/protobuf').serializer;
  return responses;
}
