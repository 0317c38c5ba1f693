import {
  acceptKey,
  buildHttpError,
  buildServerResponse,
  createClientHandshake,
  formatExtensions,
  hasToken,
  isValidKey,
  parseExtensions,
  parseTokenList,
  validateServerResponse,
  validateUpgradeRequest,
} from '../../src/websocket/core';

const goodRequest = () => ({
  host: 'example.com',
  upgrade: 'websocket',
  connection: 'Upgrade',
  'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
  'sec-websocket-version': '13',
});

describe('handshake', () => {
  it('computes the RFC 6455 accept key', () => {
    expect(acceptKey('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('builds a client request with a fresh 16-byte key', () => {
    const { request, key } = createClientHandshake({
      url: new URL('ws://example.com:8080/chat?room=1'),
      protocols: ['chat', 'superchat'],
      headers: { Origin: 'http://example.com' },
      extensionOffer: 'permessage-deflate; client_max_window_bits',
    });
    expect(isValidKey(key)).toBe(true);
    expect(Buffer.from(key, 'base64')).toHaveLength(16);
    expect(request.startsWith('GET /chat?room=1 HTTP/1.1\r\nHost: example.com:8080\r\n')).toBe(true);
    expect(request).toContain('Upgrade: websocket\r\nConnection: Upgrade\r\n');
    expect(request).toContain(`Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n`);
    expect(request).toContain('Sec-WebSocket-Protocol: chat, superchat\r\n');
    expect(request).toContain('Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n');
    expect(request.endsWith('Origin: http://example.com\r\n\r\n')).toBe(true);
    expect(createClientHandshake({ url: new URL('wss://h/'), protocols: [] }).request).toContain('Host: h\r\n');
  });

  it('refuses bad client arguments with the argument named', () => {
    expect(() => createClientHandshake({ url: new URL('http://h/'), protocols: [] })).toThrow(/'url'/);
    expect(() => createClientHandshake({ url: new URL('ws://h/'), protocols: ['a b'] })).toThrow(/'protocols'/);
    expect(() => createClientHandshake({ url: new URL('ws://h/'), protocols: ['a', 'a'] })).toThrow(/'protocols'/);
    expect(() => createClientHandshake({ url: new URL('ws://h/'), protocols: [], headers: { X: 'a\r\nb' } })).toThrow(
      /'headers'/,
    );
  });

  describe('validateServerResponse', () => {
    const key = 'dGhlIHNhbXBsZSBub25jZQ==';
    const ok = { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-accept': 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=' };

    it('accepts a correct answer and reports protocol and extensions', () => {
      expect(validateServerResponse(101, ok, key, [], [])).toEqual({ ok: true, protocol: null, extensions: [] });
      const r = validateServerResponse(
        101,
        { ...ok, 'sec-websocket-protocol': 'chat', 'sec-websocket-extensions': 'permessage-deflate; server_max_window_bits=10' },
        key,
        ['chat'],
        ['permessage-deflate'],
      );
      expect(r).toEqual({
        ok: true,
        protocol: 'chat',
        extensions: [{ name: 'permessage-deflate', params: [['server_max_window_bits', '10']] }],
      });
    });

    it('fails with lua-websockets style messages', () => {
      const bad = (r: ReturnType<typeof validateServerResponse>) => (r.ok ? '' : r.error);
      expect(bad(validateServerResponse(200, ok, key, [], []))).toMatch(/^Websocket Handshake failed: .*200/);
      expect(bad(validateServerResponse(101, { ...ok, 'sec-websocket-accept': 'x' }, key, [], []))).toBe(
        'Websocket Handshake failed: Invalid Sec-Websocket-Accept (expected s3pPLMBiTxaQ9kYGzzhZRbK+xOo= got x)',
      );
      expect(bad(validateServerResponse(101, { ...ok, upgrade: 'h2c' }, key, [], []))).toMatch(/Upgrade/);
      expect(bad(validateServerResponse(101, { ...ok, connection: 'close' }, key, [], []))).toMatch(/Connection/);
      expect(bad(validateServerResponse(101, { ...ok, 'sec-websocket-protocol': 'x' }, key, ['chat'], []))).toMatch(
        /protocol/,
      );
      expect(bad(validateServerResponse(101, { ...ok, 'sec-websocket-extensions': 'foo' }, key, [], []))).toMatch(/foo/);
      expect(
        bad(validateServerResponse(101, { ...ok, 'sec-websocket-extensions': 'a, a' }, key, [], ['a'])),
      ).toMatch(/twice/);
    });
  });

  describe('validateUpgradeRequest', () => {
    it('accepts a valid request with case-insensitive token lists', () => {
      const r = validateUpgradeRequest('GET', '1.1', {
        ...goodRequest(),
        upgrade: 'WebSocket',
        connection: 'keep-alive, Upgrade',
        'sec-websocket-protocol': 'chat , superchat',
        'sec-websocket-extensions': 'permessage-deflate; client_max_window_bits, x-foo; a="b"',
      });
      expect(r).toEqual({
        ok: true,
        key: 'dGhlIHNhbXBsZSBub25jZQ==',
        protocols: ['chat', 'superchat'],
        extensions: [
          { name: 'permessage-deflate', params: [['client_max_window_bits', true]] },
          { name: 'x-foo', params: [['a', 'b']] },
        ],
      });
    });

    it('refuses with 405, 426 and 400 as appropriate', () => {
      expect(validateUpgradeRequest('POST', '1.1', goodRequest())).toMatchObject({ ok: false, status: 405 });
      expect(validateUpgradeRequest('GET', '1.0', goodRequest())).toMatchObject({ ok: false, status: 400 });
      expect(validateUpgradeRequest('GET', '1.1', { ...goodRequest(), 'sec-websocket-version': '8' })).toEqual({
        ok: false,
        status: 426,
        headers: { 'Sec-WebSocket-Version': '13' },
        reason: 'unsupported Sec-WebSocket-Version 8',
      });
      const bad400 = [
        { upgrade: undefined },
        { upgrade: 'h2c' },
        { connection: 'keep-alive' },
        { 'sec-websocket-key': undefined },
        { 'sec-websocket-key': 'c2hvcnQ=' },
        { 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ' },
        { 'sec-websocket-protocol': 'a b' },
        { 'sec-websocket-extensions': 'x; a="b' },
      ];
      for (const patch of bad400) {
        expect(validateUpgradeRequest('GET', '1.1', { ...goodRequest(), ...patch })).toMatchObject({ ok: false, status: 400 });
      }
      // a server that offers no extension does not read the offers, malformed or not
      expect(validateUpgradeRequest('GET', '1.1', { ...goodRequest(), 'sec-websocket-extensions': 'x; a="b' }, { extensions: false }))
        .toMatchObject({ ok: true, extensions: [] });
      expect(validateUpgradeRequest('GET', '2.0', goodRequest())).toMatchObject({ ok: true });
    });
  });

  it('builds the 101 answer and plain HTTP errors', () => {
    expect(buildServerResponse('dGhlIHNhbXBsZSBub25jZQ==', 'chat', 'permessage-deflate', { 'X-A': '1' })).toBe(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: chat\r\n' +
        'Sec-WebSocket-Extensions: permessage-deflate\r\nX-A: 1\r\n\r\n',
    );
    expect(buildServerResponse('dGhlIHNhbXBsZSBub25jZQ==', null, null)).not.toContain('Sec-WebSocket-Protocol');
    const err = buildHttpError(426, 'upgrade please', { 'Sec-WebSocket-Version': '13' });
    expect(err).toMatch(/^HTTP\/1\.1 426 Upgrade Required\r\n/);
    expect(err).toContain('Content-Length: 14\r\n');
    expect(err).toContain('Sec-WebSocket-Version: 13\r\n');
    expect(err.endsWith('\r\n\r\nupgrade please')).toBe(true);
    expect(() => buildHttpError(42, 'x')).toThrow(/'status'/);
  });
});

describe('header lists', () => {
  it('parses token lists and detects tokens', () => {
    expect(parseTokenList('a, b,,c')).toEqual(['a', 'b', 'c']);
    expect(parseTokenList(['a', 'b'])).toEqual(['a', 'b']);
    expect(parseTokenList(undefined)).toEqual([]);
    expect(parseTokenList('a, "b"')).toBeNull();
    expect(hasToken('keep-alive, UPGRADE', 'upgrade')).toBe(true);
    expect(hasToken('websocket/13', 'websocket')).toBe(true);
    expect(hasToken('upgrades', 'upgrade')).toBe(false);
    expect(hasToken(' Upgrade\t', 'upgrade')).toBe(true);
    expect(hasToken('keep-alive,,upgrade,', 'upgrade')).toBe(true);
    expect(hasToken('x, WebSocket/13 , y', 'websocket')).toBe(true);
    expect(hasToken(['keep-alive', 'Upgrade'], 'upgrade')).toBe(true);
    expect(hasToken('', 'upgrade')).toBe(false);
    expect(hasToken('up-grade', 'up\rgrade')).toBe(false); // only letters compare case-insensitively
    expect(hasToken('upgrad', 'upgrade')).toBe(false);
  });

  it('parses extension lists with parameters and quoted strings', () => {
    expect(parseExtensions('foo, bar; baz=2;qux ; q="x\\yz"')).toEqual([
      { name: 'foo', params: [] },
      { name: 'bar', params: [['baz', '2'], ['qux', true], ['q', 'xyz']] },
    ]);
    for (const bad of ['foo;', 'foo; =1', 'foo; a=', 'foo; a="b c"', 'foo bar', 'foo; a="x', ';']) {
      expect([bad, parseExtensions(bad)]).toEqual([bad, null]);
    }
    expect(formatExtensions([{ name: 'a', params: [['b', true], ['c', '9']] }])).toBe('a; b; c=9');
  });
});
