import { gettime } from '../scheduler';
import { argError, checkInteger, checkString } from '../util/args';
import { bindAndListen } from './bind';
import { TcpServer } from './tcp-server';
import { TcpSocket } from './tcp-socket';
import { UdpSocket } from './udp-socket';

/**
 * The LuaSocket subset: `socket.tcp()`, `socket.bind()`, `socket.udp()`, `socket.gettime()`.
 *
 * Lua: `local socket = require 'socket'`  ->  TS: `import { socket } from 'copas-ts'`
 */
export const socket = {
  /**
   * A new TCP socket, not connected yet (tcp{master}); connect it with `yield* skt.connect(host, port)`.
   * Lua: `local skt = socket.tcp()`.
   */
  tcp(): TcpSocket {
    return new TcpSocket();
  },

  /**
   * A TCP server listening on host ('*' = all interfaces) and port (0 = any free port: ask getsockname()).
   * Returns `[server]` or `[null, err]` ('address already in use', ...).
   *
   * Lua: `local server = assert(socket.bind('*', 8080))`  ->  TS: `const [server, err] = socket.bind('*', 8080)`
   */
  bind(host: string, port: number, backlog = 511): [TcpServer] | [null, string] {
    checkString('socket.bind', 'host', host);
    checkInteger('socket.bind', 'port', port, 0, 65535);
    checkInteger('socket.bind', 'backlog', backlog, 1, 65535);
    const r = bindAndListen(host, port, backlog);
    if (r[0] === null) return r;
    return [new TcpServer(r[0])];
  },

  /** A new UDP socket. Lua: `local udp = socket.udp()`. */
  udp(): UdpSocket {
    return new UdpSocket();
  },

  /** Seconds since the epoch, sub-millisecond. Lua: `socket.gettime()`. */
  gettime,

  /** LuaSocket's socket.sleep would block the process: inside tasks use copas.pause. */
  sleep(seconds: number): never {
    throw argError('socket.sleep', 'seconds', 'not used: socket.sleep would block Node; write yield* copas.pause(seconds) in a task', seconds);
  },
};

/** The type of the `socket` object. */
export type SocketModule = typeof socket;
