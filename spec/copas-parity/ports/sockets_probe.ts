// Port of the probe lua/sockets_probe.lua (not one of Copas' tests), line by line. Where Lua prints every
// value a call returns, the port prints the tuple's positions the same way (a missing one is nil).
import { copas, socket, type TcpServer, type TcpSocket, type TlsParams } from '../../../src';
import { assert, print, tostring } from '../lua-shim';

export default async function main(): Promise<void> {
  const certs = (process.env.PARITY_CERTS ?? 'tests/certs') + '/';
  const sp: TlsParams = { mode: 'server', protocol: 'any', key: certs + 'serverAkey.pem', certificate: certs + 'serverA.pem' };
  const cp: TlsParams = { mode: 'client', protocol: 'any' };
  const bind = (): [TcpServer, number] => {
    const [server] = assert(socket.bind('127.0.0.1', 0)) as [TcpServer];
    return [server, (server.getsockname() as [string, number, string])[1]];
  };

  // 1. what a timed-out operation returns, without and with useSocketTimeoutErrors
  const timeouts = async (label: string, flag: boolean, tls: boolean): Promise<void> => {
    const [server, port] = bind();
    let release = false;
    copas.addserver(server, copas.handler(function* () {
      copas.removeserver(server);
      while (!release) yield* copas.pause(0.01);
    }, tls ? sp : undefined));
    copas.addthread(function* () {
      copas.useSocketTimeoutErrors(flag);
      const skt = copas.wrap(socket.tcp(), tls ? cp : undefined);
      skt.settimeouts(1, 0.05, 0.05);
      assert((yield* skt.connect('127.0.0.1', port))[0]);
      print(label, 'receive', ...(yield* skt.receive()));
      print(label, 'receivepartial', ...(yield* skt.receivepartial(10)));
      const big = 'x'.repeat(16 * 1024 * 1024);
      const [ok, err] = yield* skt.send(big);
      print(label, 'send', ok, err);
      release = true;
      skt.close();
    });
    await copas.loop();
  };
  for (const flag of [false, true]) {
    await timeouts('tcp flag=' + tostring(flag), flag, false);
    await timeouts('tls flag=' + tostring(flag), flag, true);
  }

  // 2. a TLS handshake that times out (the server never answers)
  for (const flag of [false, true]) {
    const [server, port] = bind();
    let done = false;
    copas.addserver(server, function* () { copas.removeserver(server); while (!done) yield* copas.pause(0.01); });
    copas.addthread(function* () {
      copas.useSocketTimeoutErrors(flag);
      const skt = copas.wrap(socket.tcp(), cp);
      skt.settimeout(0.05);
      print('handshake timeout flag=' + tostring(flag), ...(yield* skt.connect('127.0.0.1', port)));
      done = true;
      skt.close();
    });
    await copas.loop();
  }

  // 3. UDP timeouts
  for (const flag of [false, true]) {
    copas.addthread(function* () {
      copas.useSocketTimeoutErrors(flag);
      const u = copas.wrap(socket.udp());
      u.setsockname('127.0.0.1', 0);
      u.settimeout(0.02);
      print('udp flag=' + tostring(flag), 'receivefrom', ...(yield* u.receivefrom()));
      print('udp flag=' + tostring(flag), 'receive', ...(yield* u.receive()));
      u.close(); // Lua's collector closes it; Node would keep an open socket alive
    });
    await copas.loop();
  }

  // 4. the choice is the running coroutine's: a task started by one that chose it does not inherit it
  copas.addthread(function* () {
    copas.useSocketTimeoutErrors(true);
    copas.addthread(function* () {
      const u = copas.wrap(socket.udp());
      u.setsockname('127.0.0.1', 0);
      u.settimeout(0.02);
      print('another task', ...(yield* u.receive()));
      u.close(); // as above
    });
  });
  await copas.loop();

  // 5. receivepartial returns what came, receive waits for the whole pattern
  {
    const [server, port] = bind();
    copas.addserver(server, function* (skt) {
      copas.removeserver(server);
      skt = copas.wrap(skt);
      yield* skt.send('abc');
      yield* copas.pause(0.1);
      yield* skt.send('defgh\nrest');
      yield* copas.pause(0.1);
    });
    copas.addthread(function* () {
      const skt = copas.wrap(socket.tcp());
      yield* skt.connect('127.0.0.1', port);
      const show = (label: string, r: unknown[]): void => print(label, r[0], r[1], r[2]);
      show('receivepartial(100)', yield* skt.receivepartial(100));
      show('receive(3)', yield* skt.receive(3));
      show('receive()', yield* skt.receive());
      show("receivepartial('*a') at close", yield* skt.receivepartial('*a'));
      skt.close();
    });
    await copas.loop();
  }

  // 6. removeserver(server, keep_open): the socket stays open and can be served again
  {
    const [server, port] = bind();
    let served = 0;
    const handler = function* (skt: TcpSocket) {
      served = served + 1;
      yield* skt.send('hello ' + served + '\n');
    };
    copas.addserver(server, handler);
    copas.addthread(function* () {
      const c = copas.wrap(socket.tcp());
      yield* c.connect('127.0.0.1', port);
      const r1 = yield* c.receive();
      print('first client', r1[0], r1[1], r1[2]);
      c.close();
      print('removeserver keep_open', copas.removeserver(server, true));
      copas.addserver(server, handler);
      const d = copas.wrap(socket.tcp());
      yield* d.connect('127.0.0.1', port);
      const r2 = yield* d.receive();
      print('served again', r2[0], r2[1], r2[2]);
      d.close();
      print('removeserver', copas.removeserver(server));
      const e = copas.wrap(socket.tcp());
      print('connect after close', ...(yield* e.connect('127.0.0.1', port)));
    });
    await copas.loop();
  }

  // 7. copas.handler with SNI: a strict server, a client naming another host, one naming it, one naming none
  {
    const wrap_s: TlsParams = { mode: 'server', protocol: 'any', key: certs + 'serverAkey.pem', certificate: certs + 'serverA.pem' };
    const server_params = { wrap: wrap_s, sni: { strict: true, names: { 'myhost.com': wrap_s } } };
    const [server, port] = bind();
    copas.seterrorhandler((msg) => { print('server task error', tostring(msg)); }, true);
    copas.addserver(server, copas.handler(function* (skt) {
      const [name, nerr] = skt.getsniname();
      print('server handler runs, sni', name, nerr);
      const r = yield* skt.receive();
      print('server receive', r[0], r[1], r[2]);
    }, server_params));
    copas.addthread(function* () {
      const client = (name?: string): TcpSocket => copas.wrap(socket.tcp(), { wrap: cp, sni: name !== undefined ? { names: name } : undefined });
      let skt = client('badhost.com');
      let ok = true;
      let err: unknown = null;
      try { [err] = yield* skt.connect('127.0.0.1', port); } catch (e) { ok = false; err = e; }
      print('bad name', ok, tostring(err));
      yield* copas.pause(0.1);
      skt = client('myhost.com');
      ok = true;
      try { [err] = yield* skt.connect('127.0.0.1', port); } catch (e) { ok = false; err = e; }
      print('good name', ok, err === skt);
      yield* skt.send('hi\n');
      yield* copas.pause(0.1);
      skt.close();
      skt = copas.wrap(socket.tcp());
      print('plain connect', ...(yield* skt.connect('127.0.0.1', port)));
      const [nskt] = yield* skt.dohandshake(cp);
      print('dohandshake without a name returns the wrapper', nskt === skt);
      yield* skt.send('there\n');
      yield* copas.pause(0.1);
      skt.close();
      copas.removeserver(server);
    });
    await copas.loop();
  }

  // 8. a timeout of 0: Copas arms no timer, and receive is receivepartial
  {
    const [server, port] = bind();
    copas.addserver(server, function* (skt) {
      copas.removeserver(server);
      skt = copas.wrap(skt);
      yield* copas.pause(0.3);
      yield* skt.send('abc');
      yield* copas.pause(0.3);
    });
    copas.addthread(function* () {
      const skt = copas.wrap(socket.tcp());
      yield* skt.connect('127.0.0.1', port);
      skt.settimeout(0);
      const t = copas.gettime();
      print('settimeout(0) receive(10)', ...(yield* skt.receive(10)));
      print('it waited for the data', copas.gettime() - t > 0.2);
      print('receive(10) at close', ...(yield* skt.receive(10)));
      skt.close();
    });
    await copas.loop();
  }
}
