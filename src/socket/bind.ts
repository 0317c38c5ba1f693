import * as net from 'node:net';
import * as util from 'node:util';

interface TcpHandle {
  bind(host: string, port: number): number;
  bind6(host: string, port: number, flags: number): number;
  listen(backlog: number): number;
  close(): void;
}
interface TcpWrap { TCP: new (type: number) => TcpHandle; constants: { SERVER: number } }

/** Node's own TCP handle, reached the way net.Server reaches it; null where this Node does not offer it. */
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
  create: () => S = () => net.createServer({ noDelay: true }) as S): [S] | [null, string] {
  const ip = address(host);
  if (tcpWrap === null || net.isIP(ip) === 0) {
    const server = create();
    server.listen(port, ip, backlog);
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
  const server = create();
  server.listen(handle as unknown as net.ListenOptions, backlog);
  return [server];
}
