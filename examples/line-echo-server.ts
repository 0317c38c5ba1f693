/**
 * A Copas line-echo server: every line a client sends comes back with '\n'.
 *
 *   npx ts-node --transpile-only examples/line-echo-server.ts [port]     (default 8081; 0 = any free port)
 *
 * The Lua original, line by line:
 *
 *   local server = assert(socket.bind('*', port))
 *   copas.addserver(server, function(skt)
 *     while true do
 *       local line, err = skt:receive('*l')
 *       if not line then break end
 *       skt:send(line .. '\n')
 *     end
 *   end)
 *   copas.loop()
 */
import { copas, socket, type TcpServer } from '../src';

/** Binds `port` on every interface and registers the echo handler; copas.loop() serves it. */
export function start(port = 8081, host = '*'): TcpServer {
  const [server, err] = socket.bind(host, port);
  if (server === null) throw new Error(`line-echo-server: cannot bind ${host}:${port}: ${err}`);
  copas.addserver(server, function* (skt) {
    for (;;) {
      const [line] = yield* skt.receive('*l');
      if (line === null) return;
      const [sent] = yield* skt.send(line + '\n');
      if (sent === null) return;
    }
  }, undefined, 'line-echo');
  return server;
}

if (require.main === module) {
  const arg = process.argv[2];
  const port = arg === undefined ? 8081 : Number(arg);
  const server = start(port);
  const [, actual] = server.getsockname();
  console.log(`line-echo server listening on tcp://localhost:${actual}`);
  void copas.loop();
}
