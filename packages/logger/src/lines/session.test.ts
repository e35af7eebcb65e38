import { describe, expect, it } from 'vitest';
import { sessionHeader, sessionRecord } from './session.js';

describe('sessionRecord', () => {
  it('takes the time and tail of a record line, adding the source after the level', () => {
    expect(
      sessionRecord('{"seq":7,"ts":1700000000123.456,"level":"warning","msg":"slow","fields":{"ms":900}}', 'api'),
    ).toEqual({
      time: 1700000000123.456,
      tail: ',"level":"warning","source":"api","msg":"slow","fields":{"ms":900}}',
    });
  });

  it("keeps a record's own source", () => {
    const line = '{"seq":1,"ts":5.000,"level":"info","msg":"m","source":"checkout"}';
    expect(sessionRecord(line, 'file')?.tail).toBe(',"level":"info","msg":"m","source":"checkout"}');
  });

  it('is undefined for headers, checkpoints, the end and lines that are not ours', () => {
    for (const line of [
      '{"type":"session","format":1,"session":{"name":"a"}}',
      '{"type":"checkpoint","op":"delete","name":"x"}',
      '{"type":"end","reason":"exit","at":1,"lastSeq":3}',
      '{"seq":1,"ts":"x","level":"info"}',
      '{"seq":1,"ts":1,"level":"info","msg":"cut sho',
      'plain text',
    ]) {
      expect(sessionRecord(line, 's')).toBeUndefined();
    }
    expect(sessionHeader('{"type":"session","format":1,"session":{"name":"train"}}')).toEqual({ name: 'train' });
  });
});
