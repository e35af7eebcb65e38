import { describe, expect, it } from 'vitest';
import { BadRequestError, levelOfSeverity, mapLogsRequest } from './map.js';

const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';

/** A request of one resource (`service.name` = `service`, or none) holding `records`. */
function request(records: unknown[], service: string | null = 'checkout'): unknown {
  const attributes = service === null ? [] : [{ key: 'service.name', value: { stringValue: service } }];
  return {
    resourceLogs: [{ resource: { attributes }, scopeLogs: [{ scope: { name: 'orders' }, logRecords: records }] }],
  };
}

/** The records' lines as the pipeline would write them (seq and ts left out). */
function lines(records: unknown[], service: string | null = 'checkout'): Record<string, unknown>[] {
  const mapped = mapLogsRequest(request(records, service), 1000);
  return mapped.tails.map((tail) => JSON.parse(`{"seq":1${tail}`));
}

describe('levelOfSeverity', () => {
  it('maps each range of four severity numbers to a level', () => {
    const levels = Array.from({ length: 24 }, (_, i) => levelOfSeverity(i + 1, undefined));
    expect(levels).toEqual([
      ...Array(8).fill('debug'),
      ...Array(4).fill('info'),
      ...Array(4).fill('warning'),
      ...Array(4).fill('error'),
      ...Array(4).fill('critical'),
    ]);
  });

  it('reads the severity text when the number is unspecified, and says info when neither tells', () => {
    expect(levelOfSeverity(0, 'WARN')).toBe('warning');
    expect(levelOfSeverity(0, 'Error')).toBe('error');
    expect(levelOfSeverity(0, 'TRACE')).toBe('debug');
    expect(levelOfSeverity(0, undefined)).toBe('info');
  });
});

describe('mapLogsRequest', () => {
  it('keeps the message, attributes as fields, the service as source and trace context as hex', () => {
    const [line] = lines([
      {
        timeUnixNano: '1700000000123456789',
        severityNumber: 9,
        body: { stringValue: 'order placed' },
        attributes: [
          { key: 'order_id', value: { intValue: '42' } },
          { key: 'express', value: { boolValue: true } },
          { key: 'ratio', value: { doubleValue: 0.5 } },
          { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 2 }] } } },
          { key: 'big', value: { intValue: '9007199254740993' } },
        ],
        traceId: TRACE.toUpperCase(),
        spanId: SPAN,
      },
    ]);
    expect(line).toEqual({
      seq: 1,
      level: 'info',
      msg: 'order placed',
      source: 'checkout',
      fields: {
        order_id: 42,
        express: true,
        ratio: 0.5,
        tags: ['a', 2],
        big: '9007199254740993',
        trace_id: TRACE,
        span_id: SPAN,
      },
    });
  });

  it('keeps the time to the microsecond, falls back to the observed time, then to the time received', () => {
    const mapped = mapLogsRequest(
      request([{ timeUnixNano: '1700000000123456789' }, { observedTimeUnixNano: 1_700_000_001_000_000_000 }, {}]),
      1234.5,
    );
    expect(mapped.times).toEqual([1700000000123.456, 1700000001000, 1234.5]);
  });

  it('makes a structured body fields, its message the message, and takes ids given as bytes', () => {
    const [line] = lines([
      {
        body: {
          kvlistValue: {
            values: [
              { key: 'message', value: { stringValue: 'stock low' } },
              { key: 'sku', value: { stringValue: 'A-7' } },
            ],
          },
        },
        traceId: Uint8Array.from(Buffer.from(TRACE, 'hex')),
        spanId: new Uint8Array(8),
      },
    ]);
    expect(line).toMatchObject({ msg: 'stock low', fields: { sku: 'A-7', trace_id: TRACE } });
    expect(line?.fields).not.toHaveProperty('span_id');
  });

  it('turns exception attributes into the record error', () => {
    const [line] = lines([
      {
        severityNumber: 17,
        body: { stringValue: 'payment failed' },
        attributes: [
          { key: 'exception.type', value: { stringValue: 'PaymentError' } },
          { key: 'exception.message', value: { stringValue: 'card declined' } },
          { key: 'exception.stacktrace', value: { stringValue: 'PaymentError: card declined\n    at pay' } },
        ],
      },
    ]);
    expect(line).toEqual({
      seq: 1,
      level: 'error',
      msg: 'payment failed',
      source: 'checkout',
      err: { name: 'PaymentError', message: 'card declined', stack: 'PaymentError: card declined\n    at pay' },
    });
  });

  it('rejects bad records one by one and keeps the rest', () => {
    const mapped = mapLogsRequest(
      request([
        { body: { stringValue: 'good' } },
        'not a record',
        { severityNumber: 99 },
        { traceId: 'abc' },
        { timeUnixNano: 'yesterday' },
        { attributes: [{ value: { stringValue: 'no key' } }] },
        { body: { stringValue: 'also good' } },
      ]),
      0,
    );
    expect(mapped.tails.map((tail) => JSON.parse(`{${tail.slice(1)}`).msg)).toEqual(['good', 'also good']);
    expect(mapped.rejected).toBe(5);
    expect(mapped.errorMessage).toBe('a log record is not an object');
  });

  it('refuses a request whose shape is wrong as a whole', () => {
    for (const bad of [
      null,
      [],
      'text',
      { resourceLogs: 5 },
      { resourceLogs: [{ scopeLogs: {} }] },
      request(7 as never),
    ]) {
      expect(() => mapLogsRequest(bad, 0)).toThrow(BadRequestError);
    }
  });

  it('keeps keys that name object internals as plain fields', () => {
    const [line] = lines([{ attributes: [{ key: '__proto__', value: { stringValue: 'x' } }] }], null);
    expect(line?.fields).toEqual({ ['__proto__']: 'x' });
    expect(line?.source).toBeUndefined();
  });
});
