/**
 * The `elasticsearch` output: the `_bulk` API with `create` actions (what a
 * data stream requires), NDJSON, gzip-compressed, documents in ECS names:
 * `@timestamp`, `message`, `log.level`, `service.name`, `error.*`,
 * `trace.id`, `span.id`, `event.sequence`, `tags`; the call's own fields
 * under `pulselog.fields`. Bulk answers 200 even when items fail: each
 * item's status is read, 429 and 5xx items are retried, others refused.
 *
 * Options (or `PULSELOG_ELASTICSEARCH_<KEY>`): `url` (required), `index`
 * (a data stream or index; default `logs-pulselog-default`, which the
 * default `logs-*-*` template makes a data stream), `apiKey`, or `username`
 * and `password`, and the delivery settings of `settings.ts`.
 */
import type { Output, OutputContext } from '../pipeline/output.js';
import { type Attempt, apiUrl, basicAuth, isRetryable, post, replyOutcome } from './http.js';
import { outgoing } from './record.js';
import { deliveryOutput, Settings } from './settings.js';

/** The ECS document of a record line. */
export function ecsDocument(line: string, service: string): Record<string, unknown> {
  const { record, fields, traceId, spanId } = outgoing(line);
  const doc: Record<string, unknown> = {
    '@timestamp': new Date(record.ts).toISOString(),
    message: record.msg,
    log: { level: record.level, logger: service },
    service: { name: service },
    event: { sequence: record.seq },
  };
  if (record.tag !== undefined) doc.tags = [record.tag];
  if (record.err !== undefined) {
    doc.error = {
      type: record.err.name,
      message: record.err.message,
      ...(record.err.stack === undefined ? {} : { stack_trace: record.err.stack }),
      ...(record.err.code === undefined ? {} : { code: String(record.err.code) }),
    };
  }
  if (traceId !== undefined) doc.trace = { id: traceId };
  if (spanId !== undefined) doc.span = { id: spanId };
  if (Object.keys(fields).length > 0) doc.pulselog = { fields };
  return doc;
}

/** The `_bulk` body for `lines`: a `create` action and a document each. */
export function bulkBody(lines: readonly string[], index: string, service: string): string {
  const action = JSON.stringify({ create: { _index: index } });
  let body = '';
  for (const line of lines) body += `${action}\n${JSON.stringify(ecsDocument(line, service))}\n`;
  return body;
}

interface BulkReply {
  errors?: boolean;
  items?: { create?: { status?: number; error?: { type?: string; reason?: string } } }[];
}

/** What a `_bulk` reply means for each of `lines`, in order. */
export function bulkOutcome(text: string, lines: readonly string[]): Attempt {
  let reply: BulkReply;
  try {
    reply = JSON.parse(text) as BulkReply;
  } catch {
    return { sent: 0, rejected: 0, retry: lines, message: `unreadable _bulk reply: ${text.slice(0, 200)}` };
  }
  if (reply.errors !== true) return { sent: lines.length, rejected: 0, retry: [] };
  const retry: string[] = [];
  let sent = 0;
  let rejected = 0;
  // A refusal says more than a retry does: its reason is the one kept.
  let refusedMessage: string | undefined;
  let retryMessage: string | undefined;
  lines.forEach((line, i) => {
    const item = reply.items?.[i]?.create;
    const status = item?.status ?? 500;
    if (status >= 200 && status < 300) {
      sent++;
      return;
    }
    const message = `item ${status}: ${item?.error?.type ?? 'error'}: ${item?.error?.reason ?? ''}`;
    if (isRetryable(status)) {
      retry.push(line);
      retryMessage ??= message;
    } else {
      rejected++;
      refusedMessage ??= message;
    }
  });
  const message = refusedMessage ?? retryMessage;
  return { sent, rejected, retry, ...(message === undefined ? {} : { message }) };
}

/** Makes the output. */
export default function elasticsearch(options: unknown, context: OutputContext): Output {
  const settings = new Settings('elasticsearch', options);
  const url = apiUrl(settings.required('url'), '/_bulk');
  const index = settings.text('index') ?? 'logs-pulselog-default';
  const apiKey = settings.text('apiKey');
  const headers = {
    'content-type': 'application/x-ndjson',
    ...(apiKey === undefined
      ? basicAuth(settings.text('username'), settings.text('password'))
      : { authorization: `ApiKey ${apiKey}` }),
  };
  return deliveryOutput(settings, context, async (lines, signal) => {
    const reply = await post({ url, headers, body: bulkBody(lines, index, context.service) }, signal);
    if (reply.status !== 200) return replyOutcome(reply, lines);
    return bulkOutcome(reply.text, lines);
  });
}
