import {
  checkCloseArguments,
  encodeClosePayload,
  isSendableCloseCode,
  isValidWireCloseCode,
  parseClosePayload,
} from '../../src/websocket/core';
import { hex } from './helpers';

describe('close codes', () => {
  it('accepts the codes a peer may send', () => {
    for (const c of [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999]) {
      expect([c, isValidWireCloseCode(c)]).toEqual([c, true]);
    }
  });

  it('rejects reserved, local-only and out-of-range codes', () => {
    for (const c of [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535]) {
      expect([c, isValidWireCloseCode(c)]).toEqual([c, false]);
    }
    expect(isSendableCloseCode(1000.5)).toBe(false);
  });

  it('parses close payloads', () => {
    expect(parseClosePayload(Buffer.alloc(0))).toEqual({ ok: true, code: null, reason: '' });
    expect(parseClosePayload(hex('03e8'))).toEqual({ ok: true, code: 1000, reason: '' });
    expect(parseClosePayload(Buffer.concat([hex('0bb8'), Buffer.from('bye ☃')]))).toEqual({
      ok: true,
      code: 3000,
      reason: 'bye ☃',
    });
  });

  it('fails 1-byte payloads and bad codes with 1002, bad reasons with 1007', () => {
    expect(parseClosePayload(hex('03'))).toMatchObject({ ok: false, failCode: 1002 });
    expect(parseClosePayload(hex('03ed'))).toMatchObject({ ok: false, failCode: 1002 }); // 1005
    expect(parseClosePayload(hex('03e8ceba e1bd b9cf 83ce bcce b5ed a080'))).toMatchObject({ ok: false, failCode: 1007 });
  });

  it('encodes payloads', () => {
    expect(encodeClosePayload(null)).toEqual(Buffer.alloc(0));
    expect(encodeClosePayload(1000)).toEqual(hex('03e8'));
    expect(encodeClosePayload(4000, 'ok')).toEqual(hex('0fa0 6f6b'));
  });

  it('names the bad argument when closing with something unsendable', () => {
    expect(() => checkCloseArguments(1005, undefined)).toThrow(/'code'/);
    expect(() => checkCloseArguments('1000', undefined)).toThrow(/'code'/);
    expect(() => checkCloseArguments(1000, 'x'.repeat(124))).toThrow(/'reason'.*123/);
    expect(() => checkCloseArguments(1000, 'é'.repeat(62))).toThrow(/'reason'/);
    expect(() => checkCloseArguments(1000, 5)).toThrow(/'reason'/);
    expect(() => checkCloseArguments(1000, 'x'.repeat(123))).not.toThrow();
    expect(() => checkCloseArguments(undefined, undefined)).not.toThrow();
  });
});
