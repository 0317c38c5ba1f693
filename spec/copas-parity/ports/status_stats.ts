// Port of lua/status_stats.lua, line by line.
import { copas, socket } from '../../../src';
import type { TcpSocket } from '../../../src/socket/tcp-socket';
import { print } from '../lua-shim';

export default async function main(): Promise<void> {
  const keys = (t: object): string => Object.keys(t).sort().join(' ');

  print('status()', keys(copas.status()));
  print('status(true)', keys(copas.status(true)));
  copas.addthread(function* () { for (let i = 1; i <= 10; i++) yield* copas.pause(0); });
  await copas.loop();
  const s = copas.status() as Required<ReturnType<typeof copas.status>>;
  print('after a loop', keys(s));
  print('steps > 10', s.steps > 10);
  print('min <= avg <= max', s.duration_min <= s.duration_avg && s.duration_avg <= s.duration_max);
  print('ever', s.duration_min_ever <= s.duration_min, s.duration_max_ever >= s.duration_max);
  print('tot = avg * steps', Math.abs(s.duration_tot - s.duration_avg * s.steps) < 0.001 * s.steps);
  print('time_tot = end - start', Math.abs(s.time_tot - (s.time_end - s.time_start)) < 0.0015);
  print('time_avg (ms) = time_tot / steps', Math.abs(s.time_avg - s.time_tot * 1000 / s.steps) < 1);
  print('no step since', keys(copas.status()));
  copas.addthread(function* () { yield* copas.pause(0); });
  await copas.loop();
  print('with true again', keys(copas.status(true)));
  print('status(false)', keys(copas.status(false)));
  copas.addthread(function* () { yield* copas.pause(0); });
  await copas.loop();
  print('off', keys(copas.status()));

  const server = socket.bind('127.0.0.1', 0)[0] as NonNullable<ReturnType<typeof socket.bind>[0]>;
  const [, port] = server.getsockname() as [string, number, string];
  let peer: TcpSocket | null = null;
  copas.addnamedthread('writer', function* () {
    const skt = copas.wrap(socket.tcp());
    yield* skt.connect('127.0.0.1', port);
    [peer] = yield* server.accept();
    const chunk = 'x'.repeat(256 * 1024);
    while ((yield* skt.send(chunk))[0] !== null) { /* the peer reads nothing: this blocks, then fails when it closes */ }
    print('writer: the send failed');
    skt.close();
  });
  copas.addnamedthread('watcher', function* () {
    yield* copas.pause(0.3);
    const st = copas.status();
    print('blocked writer: write', st.write, 'read', st.read, 'active', st.active);
    peer?.close();
  });
  await copas.loop();
  const st = copas.status();
  print('after: write', st.write, 'read', st.read);
  server.close();
}
