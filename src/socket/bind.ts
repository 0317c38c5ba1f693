import * as net from 'node:net';
import * as os from 'node:os';
import * as util from 'node:util';
import { kernel } from '../scheduler/kernel';
import { luaSocketError } from './errors';

interface TcpHandle {
  bind(host: string, port: number): number;
  bind6(host: string, port: number, flags: number): number;
  listen(backlog: number): number;
  close(): void;
}
interface TcpWrap { TCP: new (type: number) => TcpHandle; constants: { SERVER: number } }

/**
 * Node's own TCP handle, reached the way net.Server reaches it; null where this Node does not offer it.
 *
 * Why an internal: LuaSocket's bind returns the bound server or its error at once, and Node has no public
 * call that binds synchronously. `server.listen(port, host)` resolves the host first (dns.lookup answers on a
 * later tick even for an IP literal), and every listen error ('address already in use', ...) is emitted on a
 * later tick, so a public-API bind could only say "maybe" when it returns. `process.binding('tcp_wrap')` is
 * DEP0111, a documentation-only deprecation (a warning only under --pending-deprecation), still present in
 * Node 20, 22 and 24; spec/socket/bind-internal.spec.ts fails on the Node line that drops or changes it, and CI
 * runs it on each of them. Without it, bind falls back to the public listen and reports errors late.
 */
const tcpWrap: TcpWrap | null = (() => {
  try {
    const binding = (process as unknown as { binding(name: string): unknown }).binding;
    return binding('tcp_wrap') as TcpWrap;
  } catch {
    return null;
  }
})();

/** '*' means every interface (IPv6 with IPv4 mapped where the host has IPv6); 'localhost' is the IPv4 loopback. */
function address(host: string): string {
  if (host === '*') return '::';
  if (host === 'localhost') return '127.0.0.1';
  return host;
}

/**
 * Binds and listens at once, as LuaSocket's bind does, so the port chosen for port 0 and errors such as
 * 'address already in use' are known when bind returns. Node's net.Server.listen only reports them on a
 * later tick, so the handle is bound and listened here first, then handed to net.Server.
 */
export function bindAndListen<S extends net.Server = net.Server>(host: string, port: number, backlog: number,
  create: () => S = () => net.createServer({ noDelay: true }) as S, onLateError: (message: string) => void = reportLate(host, port)): [S] | [null, string] {
  const ip = address(host);
  // a server that fails after listening (EMFILE on accept, ...) or, for a host name, once DNS answered,
  // reports there: an 'error' event with no listener would end the process
  const watch = (server: S): S => server.on('error', (err: NodeJS.ErrnoException) => onLateError(luaSocketError(err)));
  if (tcpWrap === null || net.isIP(ip) === 0) {
    const server = watch(create());
    server.listen(port, ip, backlog);
    server.once('listening', () => track(server));
    return [server];
  }
  let addr = ip;
  let handle = new tcpWrap.TCP(tcpWrap.constants.SERVER);
  let err = net.isIPv6(addr) ? handle.bind6(addr, port, 0) : handle.bind(addr, port);
  if (err !== 0 && host === '*') {
    handle.close(); // no IPv6 on this host: all IPv4 interfaces
    addr = '0.0.0.0';
    handle = new tcpWrap.TCP(tcpWrap.constants.SERVER);
    err = handle.bind(addr, port);
  }
  if (err === 0) err = handle.listen(backlog);
  if (err !== 0) {
    handle.close();
    const entry = util.getSystemErrorMap().get(err);
    return [null, entry ? entry[1] : util.getSystemErrorName(err)];
  }
  const server = watch(create());
  server.listen(handle as unknown as net.ListenOptions, backlog);
  track(server);
  return [server];
}

/** @internal Whether this thread's own bound servers hold the internal TCP handle (for the guard spec). */
export const bindsSynchronously = tcpWrap !== null;

/** Servers listening in this thread (bound here, or mounted on by a WebSocket server), until they close. */
const listening = new Set<net.Server>();

/** Remembers a listening server of this thread until it closes (see servedInThisThread). */
export function track(server: net.Server): void {
  if (listening.has(server)) return;
  listening.add(server);
  server.once('close', () => listening.delete(server));
}

const WILDCARDS = new Set(['::', '0.0.0.0']);

/** The addresses a host name in a URL may mean on this machine; empty when it is not this machine. */
function localAddresses(hostname: string): Set<string> {
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  const mine = new Set<string>();
  for (const list of Object.values(os.networkInterfaces())) for (const i of list ?? []) mine.add(i.address);
  if (host === 'localhost' || host === os.hostname()) return new Set(['127.0.0.1', '::1', ...(host === 'localhost' ? [] : mine)]);
  if (net.isIPv4(host) && host.startsWith('127.')) return new Set([host]);
  return mine.has(host) || WILDCARDS.has(host) ? new Set([host]) : new Set();
}

/**
 * True when a server of this thread listens at hostname:port: a client that blocks this thread (the sync
 * client) would wait for it forever.
 */
export function servedInThisThread(hostname: string, port: number): boolean {
  if (listening.size === 0) return false;
  const targets = localAddresses(hostname);
  if (targets.size === 0) return false;
  for (const server of listening) {
    const a = server.address();
    if (a === null || typeof a !== 'object' || a.port !== port) continue;
    if (WILDCARDS.has(a.address) || targets.has(a.address) || targets.has(a.address.replace(/^::ffff:/, ''))) return true;
  }
  return false;
}

/** The default for a late failure: the copas error handler, with the address. */
function reportLate(host: string, port: number): (message: string) => void {
  return (message) => kernel.reportError(new Error(`cannot listen on ${host}:${port}: ${message}`), null, undefined);
}
