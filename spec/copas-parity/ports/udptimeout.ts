// Port of Copas' tests/udptimeout.lua (lua/udptimeout.lua), line by line.
import { copas, socket } from '../../../src';
import { os, print, tostring } from '../lua-shim';

export default async function main(): Promise<void> {
  // hack; no way to kill copas.loop from thread
  const assert = (truthy: unknown, err: string): void => {
    if (truthy === null || truthy === undefined || truthy === false) {
      print(`${err}\nstack traceback:\n${new Error().stack?.split('\n').slice(2).join('\n')}`);
      os.exit(-1);
    }
  };

  // udp echo server for testing against, returns `ip, port` to connect to
  // send `quit\n` to cause server to disconnect client
  // stops listen server after provided number of echos
  const singleuseechoserver = (die_after = 1): [string, number] => {
    const server = socket.udp();
    server.setsockname('127.0.0.1', 0); // "localhost" fails because of IPv6 error
    const [ip, port] = server.getsockname() as [string, number, string];

    copas.addthread(function* () {
      const skt = copas.wrap(server);
      while (die_after > 0) {
        const [data, ip, port] = yield* skt.receivefrom();
        if (data === null || data === 'quit') {
          break;
        }
        yield* skt.sendto(data, ip as string, port as number);
        die_after = die_after - 1;
      }
    });

    return [ip, port];
  };

  const tests: Record<string, () => Promise<void>> = {};

  tests.receive_timeout = async () => {
    const [ip, port] = singleuseechoserver(1);

    copas.addthread(function* () {
      let client = socket.udp();
      client = copas.wrap(client);
      client.settimeout(0.01);
      const [status, err] = client.setpeername(ip, port);
      assert(status, 'failed to connect: ' + tostring(err));

      yield* client.send('foo');
      let [data, err2] = yield* client.receive();
      assert(data, 'failed to recieve: ' + tostring(err2));
      assert(data === 'foo', 'recieved wrong echo: ' + tostring(data));

      [data, err2] = yield* client.receive();
      assert(data === null, 'somehow recieved echo without sending');
      assert(err2 === 'timeout', 'failed with non-timeout error');

      client.close();
    });

    await copas.loop();
  };

  tests.receivefrom_timeout = async () => {
    const [ip, port] = singleuseechoserver(1);

    copas.addthread(function* () {
      let client = socket.udp();
      client = copas.wrap(client);
      client.settimeout(0.01);

      yield* client.sendto('foo', ip, port);
      let [data, err] = yield* client.receivefrom();
      assert(data, 'failed to recieve: ' + tostring(err));
      assert(data === 'foo', 'recieved wrong echo: ' + tostring(data));

      [data, err] = yield* client.receivefrom();
      assert(data === null, 'somehow recieved echo without sending');
      assert(err === 'timeout', 'failed with non-timeout error');

      client.close();
    });

    await copas.loop();
  };

  // test "framework"
  for (const [name, test] of Object.entries(tests)) {
    print('testing: ' + tostring(name));
    await test();
  }

  print('[✓] all tests completed successuly');
}
