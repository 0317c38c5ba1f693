/**
 * socket.bind returns LuaSocket's result at once: the bound port for port 0, or the error string. Node has no
 * public synchronous bind, so src/socket/bind.ts uses the internal TCP handle (process.binding('tcp_wrap'),
 * see the comment there). This spec runs on every Node line CI covers (20, 22, 24): it fails on the line that
 * drops or changes that internal, before a user meets late errors.
 */
import * as net from 'node:net';
import { socket } from '../../src';
import { bindsSynchronously } from '../../src/socket/bind';

describe('socket.bind is synchronous on this Node', () => {
  it(`uses the internal TCP handle on Node ${process.version}`, () => {
    expect(bindsSynchronously).toBe(true);
  });

  it.each(['127.0.0.1', '*', 'localhost'])('bind(%p, 0) knows its port on return; binding it again gives the error on return', (host) => {
    const [server, err] = socket.bind(host, 0);
    expect(err).toBeUndefined();
    if (server === null) throw new Error(String(err));
    try {
      const [, port] = server.getsockname();
      expect(typeof port).toBe('number');
      expect(port).toBeGreaterThan(0);
      expect(socket.bind(host, port as number)).toEqual([null, 'address already in use']);
    } finally {
      server.close();
    }
  });

  it('an address this host does not have is refused on return', () => {
    const [server, err] = socket.bind('192.0.2.1', 0); // TEST-NET-1: no host has it
    expect(server).toBeNull();
    expect(err).toBe('address not available');
  });

  it('the server it returns accepts connections', async () => {
    const [server] = socket.bind('127.0.0.1', 0);
    if (server === null) throw new Error('bind failed');
    const [, port] = server.getsockname();
    const c = net.connect(port as number, '127.0.0.1');
    await new Promise<void>((resolve, reject) => { c.once('connect', resolve); c.once('error', reject); });
    c.destroy();
    server.close();
  });
});
