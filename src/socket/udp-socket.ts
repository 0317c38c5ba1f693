import * as dgram from 'node:dgram';
import * as dns from 'node:dns';
import * as net from 'node:net';
import { gettime, kernel, KEEPS_LOOP_ALIVE, TIMED_OUT, WaitOn, type Task, type TaskGenerator } from '../scheduler';
import { argError, checkInteger, checkString } from '../util/args';
import { toByteString, toBytes, type SocketData } from './data';
import { luaSocketError } from './errors';

/** Datagrams held for a task that is not reading; past this the oldest is dropped, as a kernel buffer would. */
const MAX_QUEUED = 1024;

interface Datagram { data: Buffer; address: string; port: number }

let nextId = 1;

/**
 * dgram's lookup, answering IP literals synchronously: bind() then completes inside the call, so
 * setsockname / getsockname behave as LuaSocket's (bound when they return); host names still use DNS.
 */
function literalLookup(host: string, options: unknown, callback?: (err: Error | null, address: string, family: number) => void): void {
  const cb = (typeof options === 'function' ? options : callback) as (err: Error | null, address: string, family: number) => void;
  const family = net.isIP(host);
  if (family !== 0) { cb(null, host, family); return; }
  dns.lookup(host, typeof options === 'object' && options !== null ? options : {}, (err, address, fam) => cb(err, address, fam));
}

/**
 * A UDP socket with LuaSocket's methods (`socket.udp()`); receive and receivefrom are operations.
 * setsockname to an IP address binds at once; to a host name, once DNS answers (operations wait for it).
 *
 * Lua: `local data, ip, port = udp:receivefrom()`  ->  TS: `const [data, ip, port] = yield* udp.receivefrom()`
 */
export class UdpSocket {
  private sock: dgram.Socket | null = null;
  private readonly queue: Datagram[] = [];
  private reader: Task | null = null;
  private timeout: number | undefined = undefined;
  private bound = false;
  private peer: { address: string; port: number } | null = null;
  private closedFlag = false;
  private failure: string | null = null;
  private readonly id = nextId++;

  private open(ipv6: boolean): dgram.Socket {
    if (this.sock !== null) return this.sock;
    const sock = dgram.createSocket({ type: ipv6 ? 'udp6' : 'udp4', lookup: literalLookup });
    sock.on('message', (data: Buffer, rinfo: dgram.RemoteInfo) => {
      if (this.peer !== null && (rinfo.address !== this.peer.address || rinfo.port !== this.peer.port)) return;
      if (this.queue.length >= MAX_QUEUED) this.queue.shift();
      this.queue.push({ data, address: rinfo.address, port: rinfo.port });
      if (this.reader !== null) kernel.resume(this.reader);
    });
    sock.on('listening', () => { this.bound = true; if (this.reader !== null) kernel.resume(this.reader); });
    sock.on('error', (err: Error) => { this.failure = luaSocketError(err); if (this.reader !== null) kernel.resume(this.reader); });
    this.sock = sock;
    return sock;
  }

  /** Binds to a local address ('*' = all) and port (0 = any). Returns `[1]`. */
  setsockname(host: string, port: number): [1] | [null, string] {
    checkString('setsockname', 'host', host);
    checkInteger('setsockname', 'port', port, 0, 65535);
    if (this.sock !== null) return [null, 'already bound'];
    const ip = host === '*' ? '0.0.0.0' : host === 'localhost' ? '127.0.0.1' : host;
    this.open(net.isIPv6(ip)).bind(port, ip);
    // an IP address binds at once (see literalLookup): report its failure here, as LuaSocket does
    if (this.failure !== null) { const f = this.failure; this.failure = null; return [null, f]; }
    return [1];
  }

  /** Fixes the peer: send/receive then talk to it only. Returns `[1]`. */
  setpeername(host: string, port: number): [1] | [null, string] {
    checkString('setpeername', 'host', host);
    checkInteger('setpeername', 'port', port, 1, 65535);
    const ip = host === 'localhost' ? '127.0.0.1' : host;
    this.peer = { address: ip, port };
    const sock = this.open(net.isIPv6(ip));
    if (!this.bound) sock.bind(0);
    return [1];
  }

  /** `[ip, port, family]` once bound, else `[null, err]`. */
  getsockname(): [string, number, string] | [null, string] {
    if (this.sock === null || !this.bound) return [null, 'not bound'];
    const a = this.sock.address();
    return [a.address, a.port, a.family === 'IPv6' ? 'inet6' : 'inet'];
  }

  /** `[ip, port, family]` of the peer set with setpeername. */
  getpeername(): [string, number, string] | [null, string] {
    if (this.peer === null) return [null, 'not connected'];
    return [this.peer.address, this.peer.port, net.isIPv6(this.peer.address) ? 'inet6' : 'inet'];
  }

  /** Seconds every receive may wait; null or negative = forever. */
  settimeout(seconds?: number | null): 1 {
    this.timeout = seconds === null || seconds === undefined || seconds < 0 ? undefined : seconds;
    return 1;
  }

  /** Receives one datagram (at most `size` bytes): `[data]` or `[null, err]`. */
  *receive(size?: number): TaskGenerator<[string] | [null, string]> {
    const d = yield* this.next(size, 'receive');
    return typeof d === 'string' ? [null, d] : [toByteString(d.data)];
  }

  /** Receives one datagram with its sender: `[data, ip, port]` or `[null, err]`. */
  *receivefrom(size?: number): TaskGenerator<[string, string, number] | [null, string]> {
    const d = yield* this.next(size, 'receivefrom');
    return typeof d === 'string' ? [null, d] : [toByteString(d.data), d.address, d.port];
  }

  private *next(size: number | undefined, fn: string): TaskGenerator<Datagram | string> {
    if (size !== undefined) checkInteger(fn, 'size', size, 1, 65535);
    if (this.sock === null) return 'not bound';
    const deadline = this.timeout === undefined ? undefined : gettime() + this.timeout;
    for (;;) {
      const d = this.queue.shift();
      if (d !== undefined) return size !== undefined && d.data.length > size ? { ...d, data: d.data.subarray(0, size) } : d;
      if (this.closedFlag) return 'closed';
      if (this.failure !== null) { const f = this.failure; this.failure = null; return f; }
      if (this.reader !== null) throw new Error(`${fn}: another task is already receiving on this socket`);
      this.reader = kernel.currentOrThrow(fn);
      let r: unknown;
      try {
        r = yield* kernel.wait(deadline === undefined ? undefined : Math.max(0, deadline - gettime()), KEEPS_LOOP_ALIVE, WaitOn.Read, this);
      } finally {
        this.reader = null;
      }
      if (r === TIMED_OUT && this.queue.length === 0 && !(yield* this.lastLook())) return 'timeout';
    }
  }

  /**
   * After a deadline passed: Node runs due timers before it polls sockets, so a datagram that arrived as the
   * deadline passed is not queued yet. Copas calls receive() again after its timer fired; here that is a wait
   * for two polls: libuv sends a datagram written inside a receive callback (an echo) only on the next poll,
   * one later than LuaSocket's sendto, and it arrives on the one after. True when something came.
   */
  private *lastLook(): TaskGenerator<boolean> {
    if (this.closedFlag) return false;
    const task = kernel.currentOrThrow('receive');
    this.reader = task;
    let look = setImmediate(() => { look = setImmediate(() => { kernel.resume(task, TIMED_OUT); }); });
    try {
      yield* kernel.wait(undefined, KEEPS_LOOP_ALIVE, WaitOn.Read, this);
    } finally {
      this.reader = null;
      clearImmediate(look);
    }
    return this.queue.length > 0 || this.closedFlag || this.failure !== null;
  }

  /** Sends a datagram to the peer set with setpeername: `[bytes]` or `[null, err]`. */
  *send(data: SocketData): TaskGenerator<[number] | [null, string]> {
    if (this.peer === null) return [null, 'not connected'];
    return yield* this.sendto(data, this.peer.address, this.peer.port);
  }

  /** Sends a datagram to ip:port: `[bytes]` or `[null, err]`. */
  *sendto(data: SocketData, ip: string, port: number): TaskGenerator<[number] | [null, string]> {
    const bytes = toBytes('sendto', data);
    checkString('sendto', 'ip', ip);
    checkInteger('sendto', 'port', port, 1, 65535);
    if (this.closedFlag) return [null, 'closed'];
    const sock = this.open(net.isIPv6(ip));
    const task = kernel.currentOrThrow('sendto');
    let result: string | null = null;
    sock.send(bytes, port, ip === 'localhost' ? '127.0.0.1' : ip, (err) => {
      result = err ? luaSocketError(err) : '';
      kernel.resume(task);
    });
    while (result === null) yield* kernel.wait(undefined, KEEPS_LOOP_ALIVE, WaitOn.Write, this);
    if (!this.bound) this.bound = true;
    return result === '' ? [bytes.length] : [null, result];
  }

  /** Closes it; a blocked receive returns 'closed'. */
  close(): 1 {
    if (!this.closedFlag) {
      this.closedFlag = true;
      this.sock?.close();
      if (this.reader !== null) kernel.resume(this.reader);
    }
    return 1;
  }

  /** LuaSocket's tostring. */
  toString(): string {
    return `udp{${this.peer ? 'connected' : 'unconnected'}}: #${this.id}`;
  }
}
