/**
 * Options tables refuse unknown keys by name (listen, both clients, timer.new, queue.new, LuaSec tables), with
 * our equivalent for `ws`'s names; bad values of the new options are refused too. And bad configuration
 * never crashes: an interface that does not resolve and a port in use, each in a child process.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { copas, socket, websocket } from '../../src';
import { echo } from '../support/raw-websocket';
import { ROOT, TS_NODE } from './sync-helpers';

const listen = websocket.server.copas.listen;

describe('options tables refuse unknown keys', () => {
  it("listen: a misspelt key is named with the known ones; ws's names point to ours", () => {
    expect(() => listen({ port: 0, protocols: { echo }, handshakeTimout: 1 } as never))
      .toThrow(/^websocket\.server\.copas\.listen: unknown option 'config\.handshakeTimout' \(known: port, interface, protocols, .*handshakeTimeout/);
    const hints: Record<string, RegExp> = {
      verifyClient: /'origins'.*'authorize'/,
      maxPayload: /'maxMessageSize'/,
      perMessageDeflate: /'compression'/,
      handleProtocols: /'protocols'/,
      clientTracking: /server\.clients/,
      noServer: /'manual: true'.*handleUpgrade/,
      path: /handleUpgrade|authorize/,
    };
    for (const [key, hint] of Object.entries(hints)) {
      let message = '';
      try { listen({ port: 0, protocols: { echo }, [key]: 1 } as never); } catch (err) { message = (err as Error).message; }
      expect(message).toContain(`unknown option 'config.${key}' (ws's ${key}`);
      expect(message).toMatch(hint);
      expect((() => { try { listen({ port: 0, protocols: { echo }, [key]: 1 } as never); } catch (err) { return err; } return null; })()).toBeInstanceOf(TypeError);
    }
  });

  it('the new server options are checked', () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ maxBufferedAmount: 0 }, "argument 'config.maxBufferedAmount' must be an integer from 1"],
      [{ slowClient: 'drop' }, "argument 'config.slowClient' must be 'close' or 'skip', got 'drop'"],
      [{ pingInterval: 0 }, "argument 'config.pingInterval' must be a number of seconds > 0, or null for none, got number 0"],
      [{ pingTimeout: 'soon' }, "argument 'config.pingTimeout' must be a number of seconds > 0"],
      [{ origins: 'https://a.example' }, "argument 'config.origins' must be a list of allowed Origin values"],
      [{ authorize: true }, "argument 'config.authorize' must be a function"],
      [{ maxConnections: -1 }, "argument 'config.maxConnections' must be an integer from 1"],
      [{ manual: true, port: 0 }, "'manual: true' neither listens nor mounts"],
    ];
    for (const [extra, message] of bad) {
      expect(() => listen({ port: 0, protocols: { echo }, ...extra } as never)).toThrow(message);
    }
  });

  it('both clients: unknown keys, ws names and slowClient (a server policy) are refused', () => {
    for (const [make, fn] of [[websocket.client.copas, 'websocket.client.copas'], [websocket.client.sync, 'websocket.client.sync']] as const) {
      expect(() => make({ timeuot: 1 } as never)).toThrow(`${fn}: unknown option 'options.timeuot' (known: timeout, closeTimeout, maxBufferedAmount, pingInterval, pingTimeout, compression, maxMessageSize, headers, tls)`);
      expect(() => make({ perMessageDeflate: false } as never)).toThrow("ws's perMessageDeflate: use 'compression'");
      expect(() => make({ slowClient: 'skip' } as never)).toThrow("unknown option 'options.slowClient'");
      expect(() => make({ pingInterval: -1 })).toThrow("argument 'options.pingInterval' must be a number of seconds > 0, or null for none");
      expect(() => make({ pingInterval: null, pingTimeout: null })).not.toThrow();
    }
  });

  it('timer.new, queue.new and LuaSec tables', () => {
    expect(() => copas.timer.new({ delay: 1, callback: () => undefined, recuring: true } as never))
      .toThrow("timer.new: unknown option 'opts.recuring' (known: delay, callback, recurring, params, initial_delay, name, errorhandler)");
    expect(() => copas.queue.new({ nmae: 'q' } as never)).toThrow("queue.new: unknown option 'opts.nmae' (known: name");
    expect(() => copas.wrap(socket.tcp(), { mode: 'client', verfy: 'none' } as never)).toThrow(/unknown option 'tlsparams\.verfy'/);
    expect(() => websocket.client.copas({ tls: { ciphers: 'HIGH' } as never }).connect('wss://127.0.0.1:1')[Symbol.iterator]().next())
      .toThrow("LuaSec's ciphers has no mapping: pass Node's tls option in 'node: { ... }'");
  });
});

/**
 * One child process (ts-node's start is the slow part) tries the three: an interface that does not resolve, a
 * port in use, socket.bind to a name that does not resolve. Each prints what it saw.
 */
const CHILD = `
  const { copas, websocket, socket } = require(${JSON.stringify(path.join(ROOT, 'src'))});
  const net = require('node:net');
  copas.seterrorhandler((err) => { console.log('handler: ' + err.message); }, true);
  const server = websocket.server.copas.listen({ interface: 'nonexistent.invalid', port: 8089, protocols: { echo: function* () {} },
    on_error: (m) => { console.log('on_error: ' + m); server.close(); } });
  copas.loop().then(() => console.log('loop done'));
  const taken = net.createServer().listen(0, '127.0.0.1', () => {
    const port = taken.address().port;
    try {
      websocket.server.copas.listen({ interface: '127.0.0.1', port, protocols: { echo: function* () {} } });
    } catch (err) {
      console.log('thrown: ' + err.message.replace(String(port), 'PORT'));
    }
    taken.close();
  });
  const [bound, err] = socket.bind('nonexistent.invalid', 8090);
  console.log('bind returned ' + (bound === null ? err : 'a server'));
  setTimeout(() => { bound && bound.close(); console.log('still alive'); }, 3000);
`;

describe('bad configuration does not crash (in a child process)', () => {
  let status: number | null = null;
  let out = '';
  beforeAll(() => {
    const r = spawnSync(process.execPath, [...TS_NODE, '-e', CHILD], { cwd: ROOT, encoding: 'utf8', timeout: 60000 });
    status = r.status;
    out = `${r.stdout}${r.stderr}`;
  }, 60000);

  it('an interface that does not resolve reaches on_error naming it and the port; the loop goes on', () => {
    expect(out).toMatch(/on_error: cannot listen on nonexistent\.invalid:8089: \S/);
    expect(out).toContain('loop done');
  });

  it('a port in use: listen throws an Error naming the interface and the port', () => {
    expect(out).toContain('thrown: websocket.server.copas.listen: cannot listen on 127.0.0.1:PORT: address already in use');
  });

  it('socket.bind to a host name that does not resolve reports to the error handler', () => {
    expect(out).toContain('bind returned a server');
    expect(out).toMatch(/handler: cannot listen on nonexistent\.invalid:8090: \S/);
  });

  it('and the process lives on and exits 0', () => {
    expect(out).toContain('still alive');
    expect(status).toBe(0);
  });
});
