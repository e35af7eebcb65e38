import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LevelName } from '@pulselog/shared';
import { describe, expect, it } from 'vitest';
import elasticsearch, { bulkOutcome, ecsDocument } from './elasticsearch.js';
import { batchOf, contractTests, lines, type Received, Receiver, type Stored, until } from './test-support.js';

/** The `_bulk` request as Elasticsearch reads it: action and source lines in pairs. */
function pairs(request: Received): { action: Record<string, { _index: string }>; doc: Record<string, unknown> }[] {
  const parts = request.body.toString().split('\n');
  expect(parts.pop()).toBe(''); // the body ends in a newline, as the API requires
  const out = [];
  for (let i = 0; i < parts.length; i += 2) {
    out.push({ action: JSON.parse(parts[i] as string), doc: JSON.parse(parts[i + 1] as string) });
  }
  return out;
}

function decode(request: Received): Stored[] {
  expect(request.path).toBe('/_bulk');
  expect(request.headers['content-type']).toBe('application/x-ndjson');
  return pairs(request).map(({ action, doc }) => {
    expect(action).toEqual({ create: { _index: 'logs-pulselog-default' } });
    const seq = (doc.event as { sequence: number }).sequence;
    return {
      seq,
      level: (doc.log as { level: LevelName }).level,
      ts: Date.parse(doc['@timestamp'] as string),
      msg: doc.message as string,
    };
  });
}

/** A successful `_bulk` reply: one `create` item with status 201 per document. */
function bulkReply(request: Received) {
  const items = pairs(request).map(() => ({ create: { status: 201, result: 'created' } }));
  return { status: 200, body: JSON.stringify({ took: 3, errors: false, items }) };
}

describe('elasticsearch output', () => {
  contractTests({
    make: elasticsearch,
    options: (url) => ({ url }),
    answer: bulkReply,
    decode,
    precisionMs: 1,
  });

  it('names fields as ECS does', () => {
    const line = JSON.stringify({
      seq: 3,
      ts: 1_764_874_800_123.5,
      level: 'error',
      msg: 'shard failed',
      tag: 'training',
      fields: { shard: 17, trace_id: 'ab'.repeat(16), span_id: 'cd'.repeat(8) },
      err: { name: 'TypeError', message: 'bad', stack: 'TypeError: bad\n    at x', code: 'E_BAD' },
    });
    expect(ecsDocument(line, 'api')).toEqual({
      '@timestamp': '2025-12-04T19:00:00.123Z',
      message: 'shard failed',
      log: { level: 'error', logger: 'api' },
      service: { name: 'api' },
      event: { sequence: 3 },
      tags: ['training'],
      error: { type: 'TypeError', message: 'bad', stack_trace: 'TypeError: bad\n    at x', code: 'E_BAD' },
      trace: { id: 'ab'.repeat(16) },
      span: { id: 'cd'.repeat(8) },
      pulselog: { fields: { shard: 17 } },
    });
  });

  it('reads per-item errors: retries 429 items, refuses mapping errors with their reason', () => {
    const reply = JSON.stringify({
      errors: true,
      items: [
        { create: { status: 201 } },
        { create: { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'queue full' } } },
        { create: { status: 400, error: { type: 'document_parsing_exception', reason: 'bad field' } } },
      ],
    });
    const outcome = bulkOutcome(reply, lines(1, 3));
    expect(outcome).toMatchObject({ sent: 1, rejected: 1, retry: [lines(2, 2)[0]] });
    expect(outcome.message).toMatch(/es_rejected_execution_exception|document_parsing_exception/);
  });

  it('retries the refused-for-now items of a bulk until they are in, and counts a refused one once', async () => {
    let calls = 0;
    const receiver = await new Receiver((request) => {
      calls++;
      const items = pairs(request).map(({ doc }, i) => {
        const seq = (doc.event as { sequence: number }).sequence;
        if (seq === 2) return { create: { status: 400, error: { type: 'document_parsing_exception', reason: 'no' } } };
        if (calls === 1 && i % 2 === 0)
          return { create: { status: 429, error: { type: 'too_many', reason: 'later' } } };
        return { create: { status: 201 } };
      });
      return { status: 200, body: JSON.stringify({ errors: items.some((x) => x.create.status !== 201), items }) };
    }).start();
    const output = elasticsearch(
      { url: receiver.url, apiKey: 'a2V5OnNlY3JldA==', batchInterval: 10, retryBase: 20, retryMax: 50 },
      { name: 'es', service: 'api', stateDir: mkdtempSync(join(tmpdir(), 'pulselog-es-')) },
    );
    await output.write(batchOf(lines(1, 10)));
    await until(() => output.stats?.().sent === 9, 5000, '9 records in');
    await output.close?.();
    await receiver.stop();
    expect(output.stats?.()).toMatchObject({ sent: 9, rejected: 1, spooled: 0 });
    expect(output.stats?.().lastError).toMatch(/document_parsing_exception: no/);
    expect(receiver.requests[0]?.headers.authorization).toBe('ApiKey a2V5OnNlY3JldA==');
  });
});
