/**
 * The `loki` output: Grafana Loki's push API, `POST /loki/api/v1/push`,
 * JSON, gzip-compressed. Labels stay few and low-cardinality (`service`,
 * `level`, `source`, plus `options.labels`); the record's JSON line is the
 * log line, and its trace context goes in structured metadata.
 *
 * Options (or `PULSELOG_LOKI_<KEY>`): `url` (Loki's address, required),
 * `labels`, `tenant` (`X-Scope-OrgID`), `username` and `password` (basic
 * auth), and the delivery settings of `settings.ts`.
 */
import { hostname } from 'node:os';
import type { Output, OutputContext } from '../pipeline/output.js';
import { apiUrl, basicAuth, post, replyOutcome } from './http.js';
import { nanosText, outgoing } from './record.js';
import { deliveryOutput, Settings } from './settings.js';

/** Loki's push body for `lines`: one stream per level, entries in order. */
export function lokiPush(lines: readonly string[], labels: Record<string, string>): string {
  const streams = new Map<string, [string, string, Record<string, string>?][]>();
  for (const line of lines) {
    const { record, traceId, spanId } = outgoing(line);
    let values = streams.get(record.level);
    if (values === undefined) {
      values = [];
      streams.set(record.level, values);
    }
    const metadata: Record<string, string> = {};
    if (traceId !== undefined) metadata.trace_id = traceId;
    if (spanId !== undefined) metadata.span_id = spanId;
    values.push(
      Object.keys(metadata).length > 0 ? [nanosText(record.ts), line, metadata] : [nanosText(record.ts), line],
    );
  }
  return JSON.stringify({
    streams: [...streams].map(([level, values]) => ({ stream: { ...labels, level }, values })),
  });
}

/** Makes the output. */
export default function loki(options: unknown, context: OutputContext): Output {
  const settings = new Settings('loki', options);
  const url = apiUrl(settings.required('url'), '/loki/api/v1/push');
  const tenant = settings.text('tenant');
  const headers = {
    'content-type': 'application/json',
    ...basicAuth(settings.text('username'), settings.text('password')),
    ...(tenant === undefined ? {} : { 'x-scope-orgid': tenant }),
  };
  const labels = { service: context.service, source: hostname(), ...settings.record('labels') };
  return deliveryOutput(settings, context, async (lines, signal) =>
    replyOutcome(await post({ url, headers, body: lokiPush(lines, labels) }, signal), lines),
  );
}
