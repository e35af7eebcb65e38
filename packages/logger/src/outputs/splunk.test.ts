import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LevelName } from '@pulselog/shared';
import { describe, expect, it } from 'vitest';
import splunk from './splunk.js';
import { batchOf, contractTests, lines, type Received, Receiver, type Stored, until } from './test-support.js';

/** HEC's batch form: JSON event objects one after another, no separator required. */
function events(request: Received): Record<string, unknown>[] {
  const text = request.body.toString();
  const out: Record<string, unknown>[] = [];
  // Split at object boundaries the way HEC does: parse one value, then the next from where it ended.
  let depth = 0;
  let start = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      out.push(JSON.parse(text.slice(start, i + 1)));
      start = i + 1;
    }
  }
  expect(text.slice(start).trim()).toBe('');
  return out;
}

function decode(request: Received): Stored[] {
  expect(request.path).toBe('/services/collector/event');
  expect(request.headers.authorization).toBe('Splunk 0000-token');
  return events(request).map((e) => {
    const event = e.event as { seq: number; level: LevelName; message: string };
    expect(e.sourcetype).toBe('_json');
    expect(typeof e.time).toBe('number');
    return { seq: event.seq, level: event.level, ts: (e.time as number) * 1000, msg: event.message };
  });
}

describe('splunk output', () => {
  contractTests({
    make: splunk,
    options: (url) => ({ url, token: '0000-token' }),
    answer: () => ({ status: 200, body: '{"text":"Success","code":0}' }),
    decode,
    precisionMs: 1,
  });

  it('sets index and sourcetype, and shows an invalid token once without retrying it', async () => {
    const receiver = await new Receiver(() => ({ status: 403, body: '{"text":"Invalid token","code":4}' })).start();
    const output = splunk(
      { url: receiver.url, token: 'wrong', index: 'main', sourcetype: 'pulselog', batchInterval: 10 },
      { name: 'splunk', service: 'api', stateDir: mkdtempSync(join(tmpdir(), 'pulselog-splunk-')) },
    );
    await output.write(batchOf(lines(1, 5)));
    await until(() => output.stats?.().rejected === 5, 5000, 'the batch refused');
    await output.close?.();
    await receiver.stop();
    expect(receiver.requests).toHaveLength(1);
    expect(output.stats?.()).toMatchObject({ sent: 0, rejected: 5, retries: 0, spooled: 0 });
    expect(output.stats?.().lastError).toBe('HTTP 403: {"text":"Invalid token","code":4}');
    const [first] = events(receiver.requests[0] as Received);
    expect(first).toMatchObject({ index: 'main', sourcetype: 'pulselog', source: 'api' });
  });
});
