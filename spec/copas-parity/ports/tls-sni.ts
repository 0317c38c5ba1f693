// Port of Copas' tests/tls-sni.lua (lua/tls-sni.lua), line by line. LuaSec's `ssl.newcontext(params)` is the
// parameter table itself (a context is made from it); `pcall(skt.connect, ...)` is a try around the operation.
import { copas, socket, type TaskGenerator, type TcpServer, type TcpSocket, type TlsParams } from '../../../src';
import { assert, os, print, tostring } from '../lua-shim';

export default async function main(): Promise<void> {
  const certs = (process.env.PARITY_CERTS ?? 'tests/certs') + '/'; // parity: certificates from make-certs.sh
  let server: TcpServer;

  const server_params: { wrap: TlsParams; sni: { strict: boolean; names: Record<string, TlsParams> } } = {
    wrap: {
      mode: 'server',
      protocol: 'any',
      key: certs + 'serverAkey.pem',
      certificate: certs + 'serverA.pem',
      cafile: certs + 'rootA.pem',
      verify: ['peer', 'fail_if_no_peer_cert'],
      options: ['all', 'no_sslv2', 'no_sslv3', 'no_tlsv1'],
    },
    sni: {
      strict: true, // only allow connection 'myhost.com'
      names: {},
    },
  };
  server_params.sni.names['myhost.com'] = server_params.wrap;

  const client_params: { wrap: TlsParams; sni: { names: string } } = {
    wrap: {
      mode: 'client',
      protocol: 'any',
      key: certs + 'clientAkey.pem',
      certificate: certs + 'clientA.pem',
      cafile: certs + 'rootA.pem',
      verify: ['peer', 'fail_if_no_peer_cert'],
      options: ['all', 'no_sslv2', 'no_sslv3', 'no_tlsv1'],
    },
    sni: {
      names: '', // will be added in test below
    },
  };

  const echoHandler = function* (skt: TcpSocket): TaskGenerator<void> {
    for (;;) {
      const [data, err] = yield* skt.receive();
      if (data === null) {
        if (err !== 'closed') {
          throw new Error('client connection error: ' + tostring(err));
        } else {
          return; // client closed the connection
        }
      } else if (data === 'quit') {
        return; // close this client connection
      } else if (data === 'exit') {
        copas.removeserver(server);
        return; // close this client connection, after stopping the server
      }
      yield* skt.send(data + '\n');
    }
  };

  [server] = assert(socket.bind('localhost', 0)) as [TcpServer]; // parity: any free port, not 20000
  const [, port] = server.getsockname() as [string, number, string];
  copas.addserver(server, copas.handler(echoHandler, server_params));

  copas.addthread(function* () {
    yield* copas.pause(0.5); // allow server socket to be ready

    // --------------------
    // Tests start here --
    // --------------------

    // try with a bad SNI (non matching)
    client_params.sni.names = 'badhost.com';
    let skt = copas.wrap(socket.tcp(), client_params);
    let err: unknown = null;
    try { yield* skt.connect('localhost', port); } catch (e) { err = e; }
    if (!/TLS\/SSL handshake failed:/.test(tostring(err))) {
      print('expected handshake to fail');
      os.exit(1);
    }

    // try again with a proper SNI (matching)
    client_params.sni.names = 'myhost.com';
    skt = copas.wrap(socket.tcp(), client_params);
    let success = true;
    let ok: unknown;
    try { [ok] = yield* skt.connect('localhost', port); } catch (e) { success = false; ok = e; }
    if (!(success && ok !== null)) {
      print('expected connection to be completed', success, ok);
      os.exit(1);
    }

    assert((yield* skt.send('hello world\n'))[0]);
    assert((yield* skt.receive())[0] === 'hello world');
    print('succesfully completed test');

    // send exit signal to server
    yield* skt.send('exit\n');
  });

  // no ugly errors please, comment out when debugging
  copas.seterrorhandler(() => undefined, true);

  await copas.loop();
}
