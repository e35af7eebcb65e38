/**
 * The `splunk` output: Splunk's HTTP Event Collector, `POST
 * /services/collector/event` with `Authorization: Splunk <token>`, events
 * batched as concatenated JSON objects, gzip-compressed. `time` is in epoch
 * seconds (with the milliseconds as a fraction); the record's message,
 * level, fields, error and trace context make the event.
 *
 * Options (or `PULSELOG_SPLUNK_<KEY>`): `url` (the collector's address,
 * required), `token` (required), `index`, `sourcetype` (default `_json`),
 * `source` (default the logger's name), `host`, and the delivery settings
 * of `settings.ts`.
 */
import { hostname } from 'node:os';
import type { Output, OutputContext } from '../pipeline/output.js';
import { apiUrl, post, replyOutcome } from './http.js';
import { outgoing } from './record.js';
import { deliveryOutput, Settings } from './settings.js';

/** Metadata of every event. */
export interface HecMetadata {
  source: string;
  sourcetype: string;
  host: string;
  index?: string;
}

/** The HEC body for `lines`: one JSON event object after another. */
export function hecEvents(lines: readonly string[], meta: HecMetadata): string {
  let body = '';
  for (const line of lines) {
    const { record, fields, traceId, spanId } = outgoing(line);
    const event: Record<string, unknown> = { message: record.msg, level: record.level, seq: record.seq };
    if (record.tag !== undefined) event.tag = record.tag;
    if (Object.keys(fields).length > 0) event.fields = fields;
    if (record.err !== undefined) event.error = record.err;
    if (traceId !== undefined) event.trace_id = traceId;
    if (spanId !== undefined) event.span_id = spanId;
    body += JSON.stringify({ time: Math.round(record.ts) / 1000, ...meta, event });
  }
  return body;
}

/** Makes the output. */
export default function splunk(options: unknown, context: OutputContext): Output {
  const settings = new Settings('splunk', options);
  const url = apiUrl(settings.required('url'), '/services/collector/event');
  const headers = { 'content-type': 'application/json', authorization: `Splunk ${settings.required('token')}` };
  const index = settings.text('index');
  const meta: HecMetadata = {
    source: settings.text('source') ?? context.service,
    sourcetype: settings.text('sourcetype') ?? '_json',
    host: settings.text('host') ?? hostname(),
    ...(index === undefined ? {} : { index }),
  };
  return deliveryOutput(settings, context, async (lines, signal) =>
    replyOutcome(await post({ url, headers, body: hecEvents(lines, meta) }, signal), lines),
  );
}
