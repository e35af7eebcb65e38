import { describe, expect, it } from 'vitest';
import { LINES_HEAD, MAX_CLIENT_MESSAGE_BYTES, parseClientMessage, parseServerMessage } from './protocol.js';

describe('parseClientMessage', () => {
  it('accepts a resume with a session id and a last sequence number', () => {
    expect(parseClientMessage('{"type":"resume","sessionId":"s-1","lastSeq":42}')).toEqual({
      ok: true,
      value: { type: 'resume', sessionId: 's-1', lastSeq: 42 },
    });
  });

  it('keeps only known fields', () => {
    const parsed = parseClientMessage('{"type":"resume","lastSeq":0,"__proto__":{"x":1},"extra":true}');
    expect(parsed).toEqual({ ok: true, value: { type: 'resume', lastSeq: 0 } });
  });

  it.each([
    ['not json', 'invalid JSON'],
    ['[1,2]', 'message is not an object'],
    ['{"type":"hello"}', 'unknown message type'],
    ['{"type":"resume","lastSeq":-1}', 'lastSeq must be a non-negative integer'],
    ['{"type":"resume","lastSeq":1.5}', 'lastSeq must be a non-negative integer'],
    ['{"type":"resume","lastSeq":1,"sessionId":7}', 'sessionId must be a short string'],
  ])('refuses %s with a reason', (raw, reason) => {
    expect(parseClientMessage(raw)).toEqual({ ok: false, reason });
  });

  it('refuses oversized messages before parsing them', () => {
    const raw = `{"type":"resume","lastSeq":1,"pad":"${'x'.repeat(MAX_CLIENT_MESSAGE_BYTES)}"}`;
    expect(parseClientMessage(raw)).toEqual({ ok: false, reason: 'message too large' });
  });
});

describe('parseServerMessage', () => {
  it('accepts a batch of well-formed records', () => {
    const raw = JSON.stringify({
      type: 'batch',
      records: [{ seq: 1, ts: 1.5, level: 'info', msg: 'hi', fields: { a: 1 }, tag: 't' }],
    });
    const parsed = parseServerMessage(raw);
    expect(parsed.ok).toBe(true);
  });

  it('refuses a batch holding a record with an unknown level', () => {
    const raw = JSON.stringify({ type: 'batch', records: [{ seq: 1, ts: 1, level: 'loud', msg: 'hi' }] });
    expect(parseServerMessage(raw)).toEqual({ ok: false, reason: 'malformed batch' });
  });

  it('reads a batch in the lines form as a batch', () => {
    const records = [
      { seq: 7, ts: 1.5, level: 'info', msg: 'line one\nstill one', fields: { a: 1 } },
      { seq: 8, ts: 2, level: 'error', msg: 'two', tag: 't' },
    ];
    const raw = `${LINES_HEAD}${records.map((r) => `${JSON.stringify(r)}\n`).join('')}`;
    expect(parseServerMessage(raw)).toEqual({ ok: true, value: { type: 'batch', records } });
    expect(parseServerMessage(LINES_HEAD)).toEqual({ ok: true, value: { type: 'batch', records: [] } });
  });

  it('refuses a lines batch with a broken line or a record of the wrong shape', () => {
    expect(parseServerMessage(`${LINES_HEAD}{"seq":1,"ts":1,"level":"info","msg":"a"}\n{"seq":2,\n`)).toEqual({
      ok: false,
      reason: 'invalid JSON',
    });
    expect(parseServerMessage(`${LINES_HEAD}{"seq":1,"ts":1,"level":"info","msg":"a"}\n\n`)).toEqual({
      ok: false,
      reason: 'invalid JSON',
    });
    expect(parseServerMessage(`${LINES_HEAD}{"seq":-1,"ts":1,"level":"info","msg":"a"}\n`)).toEqual({
      ok: false,
      reason: 'malformed batch',
    });
  });

  it('checks gap and checkpoint messages', () => {
    expect(parseServerMessage('{"type":"gap","from":1,"to":5,"reason":"evicted","count":5}').ok).toBe(true);
    expect(parseServerMessage('{"type":"gap","from":1,"to":5,"reason":"lost","count":5}').ok).toBe(false);
    expect(parseServerMessage('{"type":"checkpoint","op":"delete","name":"e1"}').ok).toBe(true);
    expect(
      parseServerMessage('{"type":"checkpoint","op":"upsert","checkpoint":{"name":"e1","ts":1,"status":"MAYBE"}}').ok,
    ).toBe(false);
  });
});
