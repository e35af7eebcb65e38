import { createServer, request, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MappedRecords } from './map.js';
import { OtlpReceiver } from './receiver.js';

const LIMIT = 64 * 1024;

/**
 * `ExportLogsServiceRequest { resource_logs { scope_logs { log_records { body { string_value: "hello" } } } } }`
 * in protobuf's wire format: each message a length-delimited field (tag, length, bytes).
 */
const HELLO_PROTOBUF = Buffer.from([0x0a, 13, 0x12, 11, 0x12, 9, 0x2a, 7, 0x0a, 5, ...Buffer.from('hello')]);

const jsonRequest = (msgs: string[]) =>
  JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: msgs.map((m) => ({ body: { stringValue: m } })) }] }] });

interface Reply {
  status: number;
  type: string | undefined;
  body: Buffer;
}

describe('OtlpReceiver', () => {
  let server: Server;
  let port: number;
  let delivered: MappedRecords[];
  let behind: boolean;
  let receiver: OtlpReceiver;

  beforeEach(async () => {
    delivered = [];
    behind = false;
    receiver = new OtlpReceiver(LIMIT, { deliver: (records) => delivered.push(records), behind: () => behind });
    server = createServer((req, res) => receiver.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  function post(body: Buffer | string, headers: Record<string, string | number>, method = 'POST'): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = request({ port, host: '127.0.0.1', path: '/v1/logs', method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: Buffer.concat(chunks) }),
        );
      });
      // The server may answer and close before a large body is through: the answer is what counts.
      req.on('error', (err) =>
        err.message.includes('EPIPE') || err.message.includes('ECONNRESET') ? undefined : reject(err),
      );
      req.end(body);
    });
  }

  it('takes a JSON body, plain or gzipped, and hands its records on', async () => {
    const plain = await post(jsonRequest(['one']), { 'Content-Type': 'application/json' });
    const packed = await post(gzipSync(jsonRequest(['two', 'three'])), {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Encoding': 'gzip',
    });
    expect([plain.status, packed.status]).toEqual([200, 200]);
    expect(JSON.parse(plain.body.toString())).toEqual({});
    expect(delivered.map((d) => d.tails.length)).toEqual([1, 2]);
    expect(receiver.stats).toEqual({ records: 3, rejectedRecords: 0, badRequests: 0, busy: 0 });
  });

  it('loads protobuf only for the first protobuf body, and answers in protobuf', async () => {
    const loaded = () =>
      Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes('/protobufjs/'));
    await post(jsonRequest(['json first']), { 'Content-Type': 'application/json' });
    expect(loaded()).toBe(false);
    const reply = await post(HELLO_PROTOBUF, { 'Content-Type': 'application/x-protobuf' });
    expect(reply.status).toBe(200);
    expect(reply.type).toBe('application/x-protobuf');
    expect(reply.body.length).toBe(0);
    expect(loaded()).toBe(true);
    expect(delivered[1]?.tails).toEqual([',"level":"info","msg":"hello"}']);
  });

  it('answers a body with some bad records with partialSuccess, in either encoding', async () => {
    const body = JSON.stringify({
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'ok' } }, { severityNumber: 40 }] }] }],
    });
    const reply = await post(body, { 'Content-Type': 'application/json' });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body.toString())).toEqual({
      partialSuccess: { rejectedLogRecords: 1, errorMessage: 'severityNumber 40 is not a whole number from 0 to 24' },
    });
    expect(receiver.stats).toMatchObject({ records: 1, rejectedRecords: 1 });
  });

  it('refuses bad bodies with a clear status, counts them, and takes good ones after', async () => {
    const json = { 'Content-Type': 'application/json' };
    const replies = await Promise.all([
      post('{"resourceLogs": [', json),
      post('{"resourceLogs": 5}', json),
      post(HELLO_PROTOBUF.subarray(0, HELLO_PROTOBUF.length - 3), { 'Content-Type': 'application/x-protobuf' }),
      post(Buffer.from('not gzip at all'), { ...json, 'Content-Encoding': 'gzip' }),
    ]);
    expect(replies.map((r) => r.status)).toEqual([400, 400, 400, 400]);
    expect(JSON.parse(replies[0]?.body.toString() ?? '')).toMatchObject({
      code: 400,
      message: expect.stringMatching(/^the body is not JSON/),
    });
    expect((await post('x', { 'Content-Type': 'text/plain' })).status).toBe(415);
    expect((await post('x', { ...json, 'Content-Encoding': 'br' })).status).toBe(415);
    expect((await post('', json, 'PUT')).status).toBe(405);
    expect(receiver.stats.badRequests).toBe(6);
    expect(delivered).toEqual([]);
    expect((await post(jsonRequest(['after']), json)).status).toBe(200);
    expect(delivered).toHaveLength(1);
  });

  it('refuses a body over the limit as sent, as announced, or once unpacked (413)', async () => {
    const json = { 'Content-Type': 'application/json' };
    const big = jsonRequest(['x'.repeat(LIMIT)]);
    expect((await post(big, json)).status).toBe(413);
    expect((await post(gzipSync(big), { ...json, 'Content-Encoding': 'gzip' })).status).toBe(413);
    const announced = await new Promise<number>((resolve) => {
      const req = request(
        { port, host: '127.0.0.1', path: '/v1/logs', method: 'POST', headers: { ...json, 'Content-Length': 2 ** 30 } },
        (res) => resolve(res.statusCode ?? 0),
      );
      req.on('error', () => undefined);
      req.write('{');
    });
    expect(announced).toBe(413);
    expect(receiver.stats.badRequests).toBe(3);
  });

  it('turns requests away for now (503, Retry-After) while the logger is behind', async () => {
    behind = true;
    const reply = await new Promise<{ status: number; retry: string | undefined }>((resolve) => {
      const req = request(
        { port, host: '127.0.0.1', path: '/v1/logs', method: 'POST', headers: { 'Content-Type': 'application/json' } },
        (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, retry: res.headers['retry-after'] });
        },
      );
      req.end(jsonRequest(['later']));
    });
    expect(reply).toEqual({ status: 503, retry: '1' });
    expect(receiver.stats).toMatchObject({ busy: 1, badRequests: 0, records: 0 });
  });
});
