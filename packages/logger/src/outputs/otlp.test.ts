import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LEVEL_NAMES, type LevelName } from '@pulselog/shared';
import { describe, expect, it } from 'vitest';
import otlp, { logsEndpoint, parseKeyValues, SEVERITY } from './otlp.js';
import { batchOf, contractTests, lines, type Received, Receiver, type Stored, until } from './test-support.js';

/**
 * The receiver decodes with the protobuf classes generated from the official
 * opentelemetry-proto files, as shipped by an earlier release of
 * `@opentelemetry/otlp-transformer` (installed as `otlp-proto-decode`): the
 * current release only encodes.
 */
const root = createRequire(import.meta.url)('otlp-proto-decode/build/src/generated/root.js');
const ExportLogsServiceRequest = root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;

interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  kvlistValue?: { values: KeyValue[] };
}
interface KeyValue {
  key: string;
  value: AnyValue;
}
interface LogsRequest {
  resourceLogs: {
    resource: { attributes: KeyValue[] };
    scopeLogs: {
      scope: { name: string };
      logRecords: {
        timeUnixNano: string;
        severityNumber: number;
        severityText: string;
        body: AnyValue;
        attributes: KeyValue[];
        traceId?: string;
        spanId?: string;
        flags?: number;
      }[];
    }[];
  }[];
}

function decodeProtobuf(body: Buffer): LogsRequest {
  const message = ExportLogsServiceRequest.decode(body);
  return ExportLogsServiceRequest.toObject(message, { longs: String, bytes: String, defaults: false }) as LogsRequest;
}

const attr = (list: KeyValue[], key: string) => list.find((kv) => kv.key === key)?.value;

/** Reads records as a collector would, checking what OTLP says of each on the way. */
function reader(json: boolean) {
  return (request: Received): Stored[] => {
    expect(request.path).toBe('/v1/logs');
    expect(request.headers['content-type']).toBe(json ? 'application/json' : 'application/x-protobuf');
    const body: LogsRequest = json ? JSON.parse(request.body.toString()) : decodeProtobuf(request.body);
    return body.resourceLogs.flatMap((rl) => {
      expect(attr(rl.resource.attributes, 'service.name')).toEqual({ stringValue: 'contract-test' });
      return rl.scopeLogs.flatMap((sl) =>
        sl.logRecords.map((r) => {
          const seq = Number(attr(r.attributes, 'pulselog.seq')?.intValue);
          const level = r.severityText as LevelName;
          expect(r.severityNumber).toBe(SEVERITY[level]);
          expect(attr(r.attributes, 'request_id')).toEqual({ stringValue: `r-${seq}` });
          if (seq % 3 === 0) {
            const traceId = json ? r.traceId : Buffer.from(r.traceId as string, 'base64').toString('hex');
            const spanId = json ? r.spanId : Buffer.from(r.spanId as string, 'base64').toString('hex');
            expect(traceId).toBe(`${seq.toString(16).padStart(8, '0')}${'ab'.repeat(12)}`);
            expect(spanId).toBe(`${seq.toString(16).padStart(8, '0')}cdcdcdcd`);
            expect(attr(r.attributes, 'trace_id')).toBeUndefined();
          } else expect(r.traceId ?? '').toBe('');
          return { seq, level, ts: Number(BigInt(r.timeUnixNano) / 1000n) / 1000, msg: r.body.stringValue as string };
        }),
      );
    });
  };
}

const answer = () => ({ status: 200, body: new Uint8Array(0), headers: { 'content-type': 'application/x-protobuf' } });

describe('otlp output (http/protobuf)', () => {
  contractTests({
    make: otlp,
    options: (url) => ({ endpoint: url }),
    answer,
    decode: reader(false),
    precisionMs: 0.001,
    ordered: false,
  });
});

describe('otlp output (http/json)', () => {
  contractTests({
    make: otlp,
    options: (url) => ({ endpoint: url, protocol: 'http/json' }),
    answer: () => ({ status: 200, body: '{}', headers: { 'content-type': 'application/json' } }),
    decode: reader(true),
    precisionMs: 0.001,
    ordered: false,
  });
});

describe('otlp output settings', () => {
  it('maps every level to a distinct OpenTelemetry severity number in its range', () => {
    expect(LEVEL_NAMES.map((l) => SEVERITY[l])).toEqual([1, 5, 9, 13, 17, 21]);
  });

  it('finds the endpoint as the OTEL_EXPORTER_OTLP_* variables say', () => {
    expect(logsEndpoint(undefined, {})).toBe('http://localhost:4318/v1/logs');
    expect(logsEndpoint(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' })).toBe('http://c:4318/v1/logs');
    expect(
      logsEndpoint(undefined, {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://l:9/custom',
      }),
    ).toBe('http://l:9/custom');
    expect(logsEndpoint('http://o:1', { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://l:9/custom' })).toBe(
      'http://o:1/v1/logs',
    );
    expect(parseKeyValues('api-key=a%3Db, x = 1 ,bad')).toEqual({ 'api-key': 'a=b', x: '1' });
  });

  it('sends OTEL headers, service name and resource attributes from the environment', async () => {
    const receiver = await new Receiver(answer).start();
    const saved = { ...process.env };
    Object.assign(process.env, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=s3cret',
      OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'checkout',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,service.name=ignored',
    });
    try {
      const output = await otlp(
        { batchInterval: 10 },
        { name: 'otlp', service: 'api', stateDir: mkdtempSync(join(tmpdir(), 'pulselog-otlp-')) },
      );
      await output.write(batchOf(lines(1, 2)));
      await until(() => receiver.requests.length > 0, 5000, 'an export');
      await output.close?.();
    } finally {
      process.env = saved;
      await receiver.stop();
    }
    const request = receiver.requests[0] as Received;
    expect(request.headers['x-api-key']).toBe('s3cret');
    const body = JSON.parse(request.body.toString()) as LogsRequest;
    const resource = body.resourceLogs[0]?.resource.attributes ?? [];
    expect(attr(resource, 'service.name')).toEqual({ stringValue: 'checkout' });
    expect(attr(resource, 'deployment.environment')).toEqual({ stringValue: 'prod' });
  });

  it('sends a burst of 10,000 records in requests of 4,000 by default', async () => {
    const receiver = await new Receiver(answer).start();
    const output = await otlp(
      { endpoint: receiver.url, batchInterval: 50 },
      { name: 'otlp', service: 'contract-test', stateDir: mkdtempSync(join(tmpdir(), 'pulselog-otlp-')) },
    );
    try {
      for (let seq = 1; seq <= 10_000; seq += 1000) await output.write(batchOf(lines(seq, seq + 999)));
      await until(() => receiver.requests.length >= 3, 10_000, 'three exports');
      await output.close?.();
    } finally {
      await receiver.stop();
    }
    const sizes = receiver.requests.map((r) => reader(false)(r).length).sort((a, b) => b - a);
    expect(sizes).toEqual([4000, 4000, 2000]);
  });

  it('refuses grpc at setup', async () => {
    await expect(otlp({ protocol: 'grpc' }, { name: 'otlp', service: 'api', stateDir: tmpdir() })).rejects.toThrow(
      /http\/protobuf or http\/json/,
    );
  });
});
