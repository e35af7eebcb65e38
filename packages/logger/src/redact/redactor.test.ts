import { describe, expect, it } from 'vitest';
import { parsePath } from './paths.js';
import { compileRedaction, REDACTED } from './redactor.js';

const TYPICAL = ['password', 'headers.authorization', '*.secret', '**.token'];

describe('compileRedaction', () => {
  it('gives no redactor when there is nothing to redact', () => {
    expect(compileRedaction({})).toBeUndefined();
    expect(compileRedaction({ paths: [], values: false })).toBeUndefined();
  });

  it('refuses a malformed path or pattern, saying which', () => {
    expect(() => compileRedaction({ paths: ['a..b'] })).toThrow(/"a..b" has an empty key/);
    expect(() => compileRedaction({ paths: ['a.'] })).toThrow(/ends with a dot/);
    expect(() => compileRedaction({ values: ['(unclosed'] })).toThrow(/"\(unclosed" is not a regular expression/);
  });
});

describe('parsePath', () => {
  it('reads dots, wildcards, indices and quoted keys', () => {
    expect(parsePath('headers.authorization')).toEqual([{ key: 'headers' }, { key: 'authorization' }]);
    expect(parsePath('**.token')).toEqual(['**', { key: 'token' }]);
    expect(parsePath('items[*].key')).toEqual([{ key: 'items' }, '*', { key: 'key' }]);
    expect(parsePath('items[0]["x.api-key"]')).toEqual([{ key: 'items' }, { key: '0' }, { key: 'x.api-key' }]);
  });
});

describe('Redactor', () => {
  const redactor = compileRedaction({ paths: TYPICAL });
  if (redactor === undefined) throw new Error('paths were given');

  it('redacts top-level keys and exact paths, and nothing else', () => {
    const fields = { password: 'hunter2', user: 'ann', headers: { authorization: 'Basic x', accept: '*/*' } };
    expect(redactor.redact(fields)).toEqual({
      password: REDACTED,
      user: 'ann',
      headers: { authorization: REDACTED, accept: '*/*' },
    });
    // `password` names the top level only.
    expect(redactor.redact({ nested: { password: 'p' } })).toEqual({ nested: { password: 'p' } });
  });

  it('redacts `*.secret` one level down under any key', () => {
    expect(redactor.redact({ db: { secret: 's', host: 'h' }, secret: 'top', a: { b: { secret: 'deep' } } })).toEqual({
      db: { secret: REDACTED, host: 'h' },
      secret: 'top',
      a: { b: { secret: 'deep' } },
    });
  });

  it('redacts `**.token` at depth 6 and at the top, arrays included', () => {
    const fields = {
      token: 't0',
      a: { b: { c: { d: { e: { token: 't6', keep: 6 } } } } },
      list: [{ token: 't-in-array' }, [{ token: 'nested-array' }], 'plain'],
    };
    expect(redactor.redact(fields)).toEqual({
      token: REDACTED,
      a: { b: { c: { d: { e: { token: REDACTED, keep: 6 } } } } },
      list: [{ token: REDACTED }, [{ token: REDACTED }], 'plain'],
    });
  });

  it('reaches into arrays by index and through them', () => {
    const r = compileRedaction({ paths: ['users.password', 'items[*].key', 'rows.1'] });
    expect(
      r?.redact({
        users: [{ password: 'a', name: 'n' }, { password: 'b' }],
        items: [{ key: 'k1' }, { key: 'k2', v: 1 }],
        rows: ['r0', 'r1', 'r2'],
      }),
    ).toEqual({
      users: [{ password: REDACTED, name: 'n' }, { password: REDACTED }],
      items: [{ key: REDACTED }, { key: REDACTED, v: 1 }],
      rows: ['r0', REDACTED, 'r2'],
    });
  });

  it('never changes the value given, and returns it as it is when nothing matches', () => {
    const fields = { user_id: 1, latency_ms: 12.5, status: 200, nested: { x: [1, 2] } };
    expect(redactor.redact(fields)).toBe(fields);
    const secret = { headers: { authorization: 'Bearer abc' } };
    const out = redactor.redact(secret);
    expect(out).not.toBe(secret);
    expect(secret.headers.authorization).toBe('Bearer abc');
  });

  it('looks at what toJSON gives, and inside Maps', () => {
    class Credentials {
      toJSON() {
        return { token: 'from-toJSON', user: 'u' };
      }
    }
    const out = redactor.redact({ creds: new Credentials(), m: new Map([['token', 'in-map']]) }) as {
      creds: unknown;
      m: Map<string, string>;
    };
    expect(out.creds).toEqual({ token: REDACTED, user: 'u' });
    expect(out.m.get('token')).toBe(REDACTED);
  });

  it('ends in bounded time on cycles and shared references, redacting what it could not check', () => {
    const loop: Record<string, unknown> = { token: 'x' };
    loop.self = loop;
    const out = redactor.redact(loop) as Record<string, unknown>;
    expect(out.token).toBe(REDACTED);
    let bomb: unknown = { token: 'leaf' };
    for (let level = 0; level < 4; level++) bomb = Array.from({ length: 100 }, () => bomb);
    const text = JSON.stringify(redactor.redact({ bomb }), (_k, v) => (v === 'leaf' ? 'LEAKED' : v)).slice(0, 1e6);
    expect(text).not.toContain('LEAKED');
  });

  it('passes flat fields whose keys no path names, call after call, and refuses one that a path names', () => {
    const strs = ['ok'];
    // A call site's keys, then another site's whose second key is a secret: the first shape's memory must not pass it.
    expect(redactor.flat(['user_id', 'status'], 2, strs, 1)).toBe(true);
    expect(redactor.flat(['user_id', 'status'], 2, strs, 1)).toBe(true);
    expect(redactor.flat(['user_id', 'password'], 2, strs, 1)).toBe(false);
    expect(redactor.flat(['user_id', 'status', 'token'], 3, strs, 1)).toBe(false);
    expect(redactor.flat(['user_id', 'status', 'token'], 2, strs, 1)).toBe(true);
    // `*.secret` and `headers.authorization` are one level down: a flat value is not there.
    expect(redactor.flat(['secret', 'authorization', 'headers'], 3, strs, 1)).toBe(true);
    expect(strs).toEqual(['ok']);
  });

  it('redacts the whole value when reading it throws', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys');
        },
      },
    );
    expect(redactor.redact({ a: hostile })).toBe(REDACTED);
  });
});

describe('Redactor with value patterns', () => {
  const redactor = compileRedaction({ values: true });

  it('replaces bearer tokens, AWS keys and private-key blocks wherever they are', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAAK\n-----END RSA PRIVATE KEY-----';
    const out = redactor?.redact({
      header: 'Bearer eyJhbGciOi.J9x_y-z=',
      deep: { list: [`key AKIAIOSFODNN7EXAMPLE used`] },
      pem: `before ${pem} after`,
      plain: 'nothing to see',
    });
    expect(out).toEqual({
      header: REDACTED,
      deep: { list: [`key ${REDACTED} used`] },
      pem: `before ${REDACTED} after`,
      plain: 'nothing to see',
    });
    expect(redactor?.text('auth Bearer abc.def')).toBe(`auth ${REDACTED}`);
  });

  it("replaces matches in flat fields' strings in place", () => {
    const strs = ['Bearer abc.def', 'plain', 'id AKIAIOSFODNN7EXAMPLE'];
    expect(redactor?.flat(['auth', 'note', 'key'], 3, strs, 3)).toBe(true);
    expect(strs).toEqual([REDACTED, 'plain', `id ${REDACTED}`]);
  });

  it('takes patterns of its own, keeping their flags', () => {
    const own = compileRedaction({ values: ['sk_live_[0-9a-z]+', /secret-\d+/i] });
    expect(own?.text('sk_live_abc1 and SECRET-42 and sk_test_x')).toBe(`${REDACTED} and ${REDACTED} and sk_test_x`);
  });
});
