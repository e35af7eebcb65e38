import { describe, expect, it } from 'vitest';
import { isError, readCallArgs } from './call-args.js';

describe('readCallArgs', () => {
  const err = new RangeError('too far');

  it('leaves the usual (message, fields) as it is', () => {
    const fields = { a: 1 };
    expect(readCallArgs('msg', fields)).toEqual({ msg: 'msg', fields, err: undefined });
    expect(readCallArgs('msg', undefined)).toEqual({ msg: 'msg', fields: undefined, err: undefined });
  });

  it('reads pino’s orders: fields first, an error first, an error under err, an error second', () => {
    expect(readCallArgs({ a: 1 }, 'msg')).toEqual({ msg: 'msg', fields: { a: 1 }, err: undefined });
    expect(readCallArgs({ a: 1 }, undefined)).toEqual({ msg: '', fields: { a: 1 }, err: undefined });
    expect(readCallArgs(err, 'msg')).toEqual({ msg: 'msg', fields: undefined, err });
    expect(readCallArgs(err, undefined)).toEqual({ msg: 'too far', fields: undefined, err });
    expect(readCallArgs({ err, a: 1 }, 'msg')).toEqual({ msg: 'msg', fields: { a: 1 }, err });
    expect(readCallArgs({ err }, undefined)).toEqual({ msg: 'too far', fields: undefined, err });
    expect(readCallArgs('msg', err)).toEqual({ msg: 'msg', fields: undefined, err });
  });

  it('keeps an err that is no Error among the fields, and other values first as the message', () => {
    expect(readCallArgs({ err: 'text' }, 'msg')).toEqual({ msg: 'msg', fields: { err: 'text' }, err: undefined });
    expect(readCallArgs([1], { a: 1 })).toEqual({ msg: [1], fields: { a: 1 }, err: undefined });
    expect(readCallArgs(7, undefined)).toEqual({ msg: 7, fields: undefined, err: undefined });
    expect(readCallArgs(null, undefined)).toEqual({ msg: null, fields: undefined, err: undefined });
  });

  it('never throws on objects that cannot be looked at', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const read = readCallArgs(proxy, 'msg');
    expect(read.msg).toBe(proxy);
    expect([read.fields, read.err]).toEqual(['msg', undefined]);
    expect(isError(proxy)).toBe(false);
    const hostile = Object.defineProperty({}, 'err', {
      enumerable: true,
      get: () => {
        throw new Error('no');
      },
    });
    expect(readCallArgs(hostile, 'msg')).toEqual({ msg: 'msg', fields: hostile, err: undefined });
    const silent = Object.defineProperty(new Error('x'), 'message', {
      get: () => {
        throw new Error('no');
      },
    });
    expect(readCallArgs(silent, undefined)).toEqual({ msg: '', fields: undefined, err: silent });
  });
});
