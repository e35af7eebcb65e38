import { describe, expect, it } from 'vitest';
import { formatJoinAddress, joinUrl, parseJoinAddress } from './address.js';

const TOKEN = 'abcdefghijklmnopqrstuvwxyz_-0123';

describe('join address', () => {
  it('reads back what it wrote, for a socket and for a port', () => {
    const unix = { kind: 'unix', target: '/tmp/pulselog-1.0-ab.sock', token: TOKEN, owner: '1.0' } as const;
    const ws = { kind: 'ws', target: 'ws://127.0.0.1:5678/join', token: TOKEN } as const;
    expect(parseJoinAddress(formatJoinAddress(unix))).toEqual(unix);
    expect(parseJoinAddress(formatJoinAddress(ws))).toEqual(ws);
    expect(joinUrl(unix)).toBe('ws+unix:/tmp/pulselog-1.0-ab.sock:/join');
    expect(joinUrl(ws)).toBe('ws://127.0.0.1:5678/join');
  });

  it('refuses an address without a token, with a short one, or of another form, saying why', () => {
    expect(() => parseJoinAddress('unix:/tmp/x.sock')).toThrow(/#token=/);
    expect(() => parseJoinAddress('unix:/tmp/x.sock#token=short')).toThrow(/no valid token/);
    expect(() => parseJoinAddress(`http://127.0.0.1:5678/join#token=${TOKEN}`)).toThrow(/unix:<socket path>/);
    expect(() => parseJoinAddress(`unix:/tmp/x.sock#token=${TOKEN}&owner=me`)).toThrow(/owner/);
  });
});
