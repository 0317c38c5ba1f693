import { kernel, type Task, type TaskGenerator } from '../scheduler';
import { argError, checkGeneratorFunction, checkString } from '../util/args';
import type { SocketData } from './data';
import { TcpServer, type ConnectionHandler } from './tcp-server';
import { handlerTaskName, TcpSocket, type ReceivePattern, type ReceiveResult, type SendResult, type OkResult } from './tcp-socket';
import { normaliseTlsParams, type NestedTlsParams, type TlsParams } from './tls-params';
import { UdpSocket } from './udp-socket';

export { useSocketTimeoutErrors } from './timeout-errors';

/** Settings of the socket layer that users change on the copas object. */
export const socketConfig = {
  /** Close a client socket when its handler task ends (Copas' copas.autoclose, default true). */
  autoclose: true,
};

const registered = new Map<TcpServer, () => void>();
kernel.cancelHooks.add(() => {
  for (const server of [...registered.keys()]) removeserver(server);
});

/** autoclose: the finalizer of a handler task closes the client it was given. */
function closeTaskSocket(task: Task): void {
  (task.socket as TcpSocket).close();
}

function checkTcp(fn: string, skt: unknown): TcpSocket {
  if (!(skt instanceof TcpSocket)) throw argError(fn, 'skt', 'a TCP socket (socket.tcp() or a handler\'s client)', skt);
  return skt;
}

/**
 * Registers a server: each accepted client runs `handler(client)` as a task named `name:handler_N`, its
 * socket named `name:client_N`, closed when the handler ends if copas.autoclose. Keeps copas.loop() alive
 * until removeserver.
 *
 * Lua: `copas.addserver(server, function(skt) ... end)`  ->  TS: `copas.addserver(server, function* (skt) { ... })`
 */
export function addserver(server: TcpServer, handler: ConnectionHandler, timeout?: number, name?: string): void {
  if (!(server instanceof TcpServer)) throw argError('copas.addserver', 'server', 'a server from socket.bind', server);
  checkGeneratorFunction('copas.addserver', 'handler', handler);
  checkString('copas.addserver', 'name', name, true);
  if (registered.has(server)) throw new Error('copas.addserver: this server is already registered');
  if (timeout !== undefined) server.settimeout(timeout);
  const base = name ?? kernel.nameOf(server);
  if (name !== undefined) kernel.names.set(server, name);
  let count = 0;
  server.onAccept = (stream) => {
    count++;
    const client = server.adopt(stream);
    client.nameBase = base; // named base:client_N on demand (tostring, error messages)
    client.nameIndex = count;
    kernel.outsideWakes++; // a new client is I/O, as a readable server socket is for Copas' select
    const task = kernel.spawn(handlerTaskName, handler, [client], client);
    if (socketConfig.autoclose) task.addFinalizer(closeTaskSocket);
  };
  kernel.hold();
  registered.set(server, () => { server.onAccept = null; kernel.release(); });
}

/**
 * Unregisters a server and, unless keep_open, closes it (stops listening); a kept one can be given to
 * addserver again. Returns true when kept open, else what close() returns (1), as Copas.
 * Lua: `copas.removeserver(server, keep_open)`.
 */
export function removeserver(server: TcpServer, keep_open?: boolean): true | 1 {
  if (!(server instanceof TcpServer)) throw argError('copas.removeserver', 'server', 'a server from socket.bind', server);
  const unregister = registered.get(server);
  if (unregister !== undefined) {
    registered.delete(server);
    unregister();
  }
  return keep_open ? true : server.close();
}

/**
 * Prepares a socket for copas, with TLS parameters for a later connect / dohandshake (LuaSec's table, or
 * Copas' `{ wrap: params, sni: { names, strict } }`). Returns the socket: every copas-ts socket's blocking
 * methods are already operations.
 *
 * Lua: `local skt = copas.wrap(socket.tcp(), params)`  ->  TS: `const skt = copas.wrap(socket.tcp(), params)`
 */
export function wrap<S extends TcpSocket | UdpSocket>(skt: S, tlsparams?: TlsParams | NestedTlsParams): S {
  if (!(skt instanceof TcpSocket) && !(skt instanceof UdpSocket)) throw argError('copas.wrap', 'skt', 'a socket', skt);
  if (tlsparams !== undefined) {
    if (!(skt instanceof TcpSocket)) throw argError('copas.wrap', 'tlsparams', 'undefined for a UDP socket', tlsparams);
    skt.tlsParams = normaliseTlsParams('copas.wrap', tlsparams);
  }
  return skt;
}

/**
 * Wraps a connection handler so that it receives a wrapped socket, after the TLS handshake when TLS
 * parameters are given (mode 'server'; an `sni` table picks the certificate per host name). A handshake
 * that fails raises `TLS/SSL handshake failed: <reason>` in the handler's task, as Copas' does: the error
 * handler reports it, the client is closed (autoclose) and the task ends; one that times out hands the
 * handler its socket anyway, as Copas ignores dohandshake's `nil, "timeout"` there.
 *
 * Lua: `copas.addserver(s, copas.handler(fn, params))`  ->  TS: `copas.addserver(s, copas.handler(fn, params))`
 */
export function handler(fn: ConnectionHandler, tlsparams?: TlsParams | NestedTlsParams): ConnectionHandler {
  checkGeneratorFunction('copas.handler', 'fn', fn);
  const params = normaliseTlsParams('copas.handler', tlsparams);
  return function* wrapped(skt: TcpSocket, ...rest: unknown[]): TaskGenerator<unknown> {
    const s = wrap(skt);
    if (params !== undefined) yield* s.dohandshake({ mode: 'server', ...params });
    return yield* fn(s, ...rest);
  };
}

/** `copas.connect(skt, host, port)` = `skt.connect(host, port)`. */
export function connect(skt: TcpSocket, host: string, port: number): TaskGenerator<OkResult> {
  return checkTcp('copas.connect', skt).connect(host, port);
}

/** `copas.send(skt, data, i, j)` = `skt.send(data, i, j)`. */
export function send(skt: TcpSocket, data: SocketData, i?: number, j?: number): TaskGenerator<SendResult> {
  return checkTcp('copas.send', skt).send(data, i, j);
}

/** `copas.receive(skt, pattern, prefix)` = `skt.receive(pattern, prefix)`. */
export function receive(skt: TcpSocket, pattern?: ReceivePattern, prefix?: string): TaskGenerator<ReceiveResult> {
  return checkTcp('copas.receive', skt).receive(pattern, prefix);
}

/** `copas.receivepartial(skt, pattern, prefix)` = `skt.receivepartial(pattern, prefix)`. */
export function receivepartial(skt: TcpSocket, pattern?: ReceivePattern, prefix?: string): TaskGenerator<ReceiveResult> {
  return checkTcp('copas.receivepartial', skt).receivepartial(pattern, prefix);
}

/** `copas.receivefrom(udp, size)` = `udp.receivefrom(size)`. */
export function receivefrom(skt: UdpSocket, size?: number): TaskGenerator<[string, string, number] | [null, string]> {
  if (!(skt instanceof UdpSocket)) throw argError('copas.receivefrom', 'skt', 'a UDP socket', skt);
  return skt.receivefrom(size);
}

/** `copas.sendto(udp, data, ip, port)` = `udp.sendto(data, ip, port)`. */
export function sendto(skt: UdpSocket, data: SocketData, ip: string, port: number): TaskGenerator<[number] | [null, string]> {
  if (!(skt instanceof UdpSocket)) throw argError('copas.sendto', 'skt', 'a UDP socket', skt);
  return skt.sendto(data, ip, port);
}

/**
 * `copas.dohandshake(skt, params)`: TLS on a connected socket; `[skt]`, `[null, 'timeout']`, or a throw of
 * `TLS/SSL handshake failed: <reason>` (as Copas).
 */
export function dohandshake(skt: TcpSocket, tlsparams?: TlsParams): TaskGenerator<[TcpSocket] | [null, string]> {
  return checkTcp('copas.dohandshake', skt).dohandshake(normaliseTlsParams('copas.dohandshake', tlsparams));
}

/** `copas.close(skt)` = `skt.close()`. */
export function close(skt: TcpSocket | UdpSocket | TcpServer): 1 {
  if (!(skt instanceof TcpSocket) && !(skt instanceof UdpSocket) && !(skt instanceof TcpServer)) throw argError('copas.close', 'skt', 'a socket', skt);
  return skt.close();
}

/** `copas.settimeout(skt, seconds)`: every operation's timeout (null or negative = none). */
export function settimeout(skt: TcpSocket | UdpSocket | TcpServer, seconds?: number | null): 1 {
  if (!(skt instanceof TcpSocket) && !(skt instanceof UdpSocket) && !(skt instanceof TcpServer)) throw argError('copas.settimeout', 'skt', 'a socket', skt);
  return skt.settimeout(seconds);
}

/** `copas.settimeouts(skt, connect, send, read)`. */
export function settimeouts(skt: TcpSocket | TcpServer, connectT?: number | null, sendT?: number | null, readT?: number | null): 1 {
  if (!(skt instanceof TcpSocket) && !(skt instanceof TcpServer)) throw argError('copas.settimeouts', 'skt', 'a TCP socket', skt);
  return skt.settimeouts(connectT, sendT, readT);
}

/** Names a socket for error messages. Lua: `copas.setsocketname('name', skt)`. */
export function setsocketname(name: string, skt: TcpSocket | UdpSocket | TcpServer): void {
  checkString('copas.setsocketname', 'name', name);
  if (skt === null || typeof skt !== 'object') throw argError('copas.setsocketname', 'skt', 'a socket', skt);
  kernel.names.set(skt, name);
}

/** A socket's name (its tostring when none was set). */
export function getsocketname(skt: TcpSocket | UdpSocket | TcpServer): string {
  if (skt === null || typeof skt !== 'object') throw argError('copas.getsocketname', 'skt', 'a socket', skt);
  return kernel.nameOf(skt);
}

