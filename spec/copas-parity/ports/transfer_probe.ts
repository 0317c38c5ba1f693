// Port of the probe lua/transfer_probe.lua (in the spirit of Copas' largetransfer.lua and starve.lua),
// line by line.
import { copas, socket, type TcpServer, type TcpSocket, type TlsParams } from '../../../src';
import { assert, print } from '../lua-shim';
import { nodeTimerChainLateness } from '../../support/timer-lateness';

export default async function main(): Promise<void> {
  const certs = (process.env.PARITY_CERTS ?? 'tests/certs') + '/';
  const sp: TlsParams = { mode: 'server', protocol: 'any', key: certs + 'serverAkey.pem', certificate: certs + 'serverA.pem' };
  const cp: TlsParams = { mode: 'client', protocol: 'any' };
  const body = '0123456789abcdef'.repeat(512 * 1024); // 8 MB

  const both_ways = async (label: string, tls: boolean): Promise<void> => {
    const [server] = assert(socket.bind('127.0.0.1', 0)) as [TcpServer];
    const [, port] = server.getsockname() as [string, number, string];
    const results: Record<string, unknown[]> = {}; // printed after the loop: which side finishes first is a race
    const exchange = function* (name: string, skt: TcpSocket) {
      let sent: unknown[] | null = null;
      copas.addthread(function* () {
        sent = yield* skt.send(body);
      });
      let [got, err, part] = yield* skt.receive(body.length);
      got = got ?? (part as string);
      while (sent === null) yield* copas.pause(0.01);
      const s = sent as unknown[];
      results[name] = [label, name, 'received', got.length, got === body, err, 'sent', s[0], s[1]];
    };
    copas.addserver(server, copas.handler(function* (skt) {
      copas.removeserver(server);
      yield* exchange('server', skt);
    }, tls ? sp : undefined));
    copas.addthread(function* () {
      const skt = copas.wrap(socket.tcp(), tls ? cp : undefined);
      assert((yield* skt.connect('127.0.0.1', port))[0]);
      yield* exchange('client', skt);
      yield* copas.pause(0.1);
      skt.close();
    });
    await copas.loop();
    for (const name of ['server', 'client']) print(...results[name]);
  };
  await both_ways('plain', false);
  await both_ways('tls', true);

  {
    const [server] = assert(socket.bind('127.0.0.1', 0)) as [TcpServer];
    const [, port] = server.getsockname() as [string, number, string];
    let stop = false;
    let bytes = 0;
    copas.addserver(server, function* (skt) {
      copas.removeserver(server);
      skt = copas.wrap(skt);
      while (!stop) {
        const [b, err] = yield* skt.receive(1);
        if (b === null) { print('reader failed', err); break; }
        bytes = bytes + 1;
      }
      skt.close();
    });
    copas.addthread(function* () {
      const skt = copas.wrap(socket.tcp());
      yield* skt.connect('127.0.0.1', port);
      const chunk = 'A'.repeat(64 * 1024);
      for (;;) {
        const [ok, err] = yield* skt.send(chunk);
        if (ok === null) { print('sender stopped', err); break; }
      }
      skt.close();
    });
    copas.addthread(function* () {
      const start = copas.gettime();
      const late = nodeTimerChainLateness(15, 0.1); // not in the Lua: see spec/support/timer-lateness.ts
      let ticks = 0;
      for (let i = 1; i <= 15; i++) {
        yield* copas.pause(0.1);
        ticks = i;
      }
      const elapsed = copas.gettime() - start;
      print('timer ticks', ticks, 'kept up', Math.abs(elapsed - 1.5) < 0.5 + late());
      print('reader read bytes', bytes > 1000);
      stop = true;
    });
    await copas.loop();
  }
}
