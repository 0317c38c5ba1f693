import { isUtf8 } from 'node:buffer';
import { Utf8StreamValidator, isViablePrefix } from '../../src/websocket/core';
import { decodeUtf8 } from '../../src/websocket/core/utf8-decode';
import { hex } from './helpers';

/** Feeds `bytes` split at `cuts`; returns the index of the piece that failed, 'end' or 'ok'. */
function run(bytes: Buffer, cuts: number[]): number | 'end' | 'ok' {
  const v = new Utf8StreamValidator();
  const points = [0, ...cuts, bytes.length];
  for (let i = 0; i + 1 < points.length; i++) {
    if (!v.push(bytes.subarray(points[i], points[i + 1]))) return i;
  }
  return v.end() ? 'ok' : 'end';
}

describe('Utf8StreamValidator', () => {
  const valid = Buffer.from('κόσμε ascii €𝄞 \u{10FFFF} \uFFFD end');

  it('accepts valid text split at every position', () => {
    for (let cut = 0; cut <= valid.length; cut++) expect(run(valid, [cut])).toBe('ok');
    for (let a = 0; a < valid.length; a++) for (let b = a; b <= valid.length; b++) expect(run(valid, [a, b])).toBe('ok');
  });

  it('accepts valid text fed one byte at a time', () => {
    expect(run(valid, Array.from({ length: valid.length - 1 }, (_, i) => i + 1))).toBe('ok');
  });

  it('fails at the piece holding the first bad byte', () => {
    const bad = Buffer.concat([Buffer.from('hello'), hex('ff'), Buffer.from('world')]);
    expect(run(bad, [3, 5, 6])).toBe(2); // piece 2 is the 0xff
    expect(run(bad, [6])).toBe(0);
  });

  it('rejects an unfinished code point that can never become valid, without waiting', () => {
    for (const prefix of ['c0', 'c1', 'f5', 'ff', 'eda0', 'f490', 'e080', 'f080', 'e0', 'f0']) {
      const bytes = Buffer.concat([Buffer.from('ab'), hex(prefix)]);
      const expected = isViablePrefix(hex(prefix), 0, hex(prefix).length) ? 'end' : 0;
      expect([prefix, run(bytes, [])]).toEqual([prefix, expected]);
    }
    // Autobahn 6.4.x style: the bad continuation arrives first in its own piece.
    const v = new Utf8StreamValidator();
    expect(v.push(Buffer.from('κόσμε'))).toBe(true);
    expect(v.push(hex('f4'))).toBe(true);
    expect(v.push(hex('90'))).toBe(false);
  });

  it('knows which prefixes are viable', () => {
    const viable = ['c2', 'df', 'e0a0', 'e1', 'ed9f', 'ee80', 'f090', 'f1', 'f48f', 'f48fbf'];
    const dead = ['80', 'c0', 'c1', 'e080', 'eda0', 'f08f', 'f490', 'f5', 'f8', 'e1c0', 'f0904f'];
    for (const p of viable) expect([p, isViablePrefix(hex(p), 0, hex(p).length)]).toEqual([p, true]);
    for (const p of dead) expect([p, isViablePrefix(hex(p), 0, hex(p).length)]).toEqual([p, false]);
  });

  it('reports a stream ending inside a code point at end()', () => {
    expect(run(hex('41e282'), [])).toBe('end');
    expect(run(hex('41e282'), [2])).toBe('end');
  });

  it('rejects split code points whose continuation is wrong', () => {
    expect(run(hex('e282 41'), [2])).toBe(1);
    expect(run(hex('f09d 84 41'), [2, 3])).toBe(2);
  });

  it('agrees with isUtf8 on random byte soup at random split points', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const alphabet = [0x41, 0x7f, 0x80, 0xbf, 0xc2, 0xdf, 0xe0, 0xa0, 0xed, 0x9f, 0xf0, 0x90, 0xf4, 0x8f, 0xf5, 0xc0];
    for (let n = 0; n < 3000; n++) {
      const len = 1 + Math.floor(rnd() * 10);
      const bytes = Buffer.from(Array.from({ length: len }, () => alphabet[Math.floor(rnd() * alphabet.length)]));
      const cuts = [Math.floor(rnd() * len), Math.floor(rnd() * len)].sort((a, b) => a - b);
      expect([bytes.toString('hex'), run(bytes, cuts) === 'ok']).toEqual([bytes.toString('hex'), isUtf8(bytes)]);
    }
  });
});

describe('decodeUtf8', () => {
  it('decodes valid text and keeps a leading U+FEFF', () => {
    expect(decodeUtf8(Buffer.from('héllo ✓ 😀'))).toBe('héllo ✓ 😀');
    expect(decodeUtf8(hex('efbbbf41'))).toBe('\ufeffA');
    expect(decodeUtf8(Buffer.alloc(0))).toBe('');
  });

  it('rejects surrogates, overlongs, code points past U+10FFFF and cut sequences', () => {
    for (const bad of ['eda080', 'c080', 'e08080', 'f4908080', 'f5', 'e282', 'ff']) {
      expect([bad, decodeUtf8(hex(bad))]).toEqual([bad, null]);
    }
  });

  it('agrees with isUtf8 and toString on random byte soup', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const alphabet = [0x41, 0x7f, 0x80, 0xbf, 0xc2, 0xdf, 0xe0, 0xa0, 0xed, 0x9f, 0xf0, 0x90, 0xf4, 0x8f, 0xf5, 0xc0, 0xef, 0xbb];
    for (let n = 0; n < 3000; n++) {
      const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 10) }, () => alphabet[Math.floor(rnd() * alphabet.length)]));
      expect([bytes.toString('hex'), decodeUtf8(bytes)]).toEqual([bytes.toString('hex'), isUtf8(bytes) ? bytes.toString('utf8') : null]);
    }
  });
});
