import * as net from 'node:net';
import { copas, socket } from '../../src';
import { start } from '../../examples/line-echo-server';

/** examples/line-echo-server.ts serves 1,000 concurrent clients, each on its own connection. */
describe('line echo server example', () => {
  it('echoes lines for 1,000 clients connected at the same time', async () => {
    const server = start(0, '127.0.0.1');
    const [, port] = server.getsockname();
    const CLIENTS = 1000;
    const LINES = 5;
    let connected = 0;
    let maxOpen = 0;
    let open = 0;
    let finished = 0;
    const bad: string[] = [];
    for (let c = 0; c < CLIENTS; c++) {
      copas.addthread(function* () {
        const skt = socket.tcp();
        skt.settimeout(10);
        const [ok, err] = yield* skt.connect('127.0.0.1', port as number);
        if (ok === null) { bad.push(`client ${c}: connect ${err}`); return; }
        connected++;
        open++;
        maxOpen = Math.max(maxOpen, open);
        for (let i = 0; i < LINES; i++) {
          const line = `client ${c} line ${i} ${'.'.repeat((c * 7 + i) % 50)}`;
          yield* skt.send(line + (i % 2 === 0 ? '\n' : '\r\n'));
          const [echo, e] = yield* skt.receive('*l');
          if (echo !== line) bad.push(`client ${c} line ${i}: got ${echo} (${e})`);
          if (i === 0) while (connected < CLIENTS && bad.length === 0) yield* copas.pause(0.005); // all hold a connection
        }
        skt.close();
        open--;
        if (++finished === CLIENTS) copas.removeserver(server);
      });
    }
    await copas.loop();
    expect(bad).toEqual([]);
    expect(finished).toBe(CLIENTS);
    expect(maxOpen).toBe(CLIENTS);
  });

  it('serves plain node:net clients too: lines split across writes, several lines in one write', async () => {
    const server = start(0, '127.0.0.1');
    const [, port] = server.getsockname();
    copas.loop();
    const got = await new Promise<string>((resolve, reject) => {
      const c = net.connect(port as number, '127.0.0.1');
      let buf = '';
      c.setEncoding('latin1');
      c.on('data', (d: string) => { buf += d; if (buf.split('\n').length > 4) { c.end(); resolve(buf); } });
      c.on('error', reject);
      c.write('hel');
      setTimeout(() => c.write('lo\nsecond\r\nthird\n'), 20);
      setTimeout(() => c.write('\xff\x00 bytes\n', 'latin1'), 40);
    });
    copas.removeserver(server);
    expect(got).toBe('hello\nsecond\nthird\n\xff\x00 bytes\n');
  });
});
