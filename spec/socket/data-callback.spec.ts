import * as fs from 'node:fs';
import * as net from 'node:net';
import { copas, socket, type TaskGenerator, type TcpSocket } from '../../src';
import { listen, selfSignedCert } from './helpers';

/** The Node stream under a TcpSocket (internal; read only to watch its 'data' events). */
function streamOf(skt: TcpSocket): net.Socket {
  return (skt as unknown as { stream: net.Socket }).stream;
}

/**
 * The server side of both cases: a listener registered after the TcpSocket's own one (so it runs once that one
 * has returned) notes how many lines the task had handled by then; the task answers each line with a '!'.
 */
function* echoLinesWatched(skt: TcpSocket, seen: number[], onData: (stream: net.Socket) => void = () => {}): TaskGenerator<void> {
  let handled = 0;
  const stream = streamOf(skt);
  stream.on('data', () => { seen.push(handled); onData(stream); });
  for (;;) {
    const [line] = yield* skt.receive('*l');
    if (line === null) break;
    handled++;
    yield* skt.send(`${line}!\n`);
  }
}

describe("a socket's data wakes its reader inside the data callback", () => {
  it('runs the reading task, reply included, before the callback returns (a request costs no extra trip through the loop)', async () => {
    const [server, port] = listen();
    const seenByLaterListener: number[] = [];
    const written: number[] = [];
    copas.addserver(server, function* (skt) {
      yield* echoLinesWatched(skt, seenByLaterListener, (stream) => { written.push(stream.bytesWritten); });
      copas.removeserver(server);
    });
    const client = net.connect(port, '127.0.0.1');
    const replies: string[] = [];
    client.setEncoding('utf8');
    let pending = '';
    let n = 0;
    const next = (): void => { if (n < 5) client.write(`line ${n++}\n`); else client.end(); };
    client.on('connect', next);
    client.on('data', (d: string) => {
      pending += d;
      for (let i = pending.indexOf('\n'); i >= 0; i = pending.indexOf('\n')) {
        replies.push(pending.slice(0, i));
        pending = pending.slice(i + 1);
        next();
      }
    });
    await copas.loop();
    expect(replies).toEqual(['line 0!', 'line 1!', 'line 2!', 'line 3!', 'line 4!']);
    expect(seenByLaterListener).toEqual([1, 2, 3, 4, 5]);
    expect(written).toEqual([8, 16, 24, 32, 40]); // each reply was already handed to the kernel
  });

  it('keeps a microtask tick for TLS, whose one read can emit many records (the later listener runs first)', async () => {
    const cert = selfSignedCert();
    try {
      const [server, port] = listen();
      const seenByLaterListener: number[] = [];
      copas.addserver(server, copas.handler(function* (skt) {
        yield* echoLinesWatched(skt, seenByLaterListener);
        copas.removeserver(server);
      }, { mode: 'server', key: cert.key, certificate: fs.readFileSync(cert.certificate, 'utf8') }));
      const replies: unknown[] = [];
      copas.addthread(function* () {
        const skt = copas.wrap(socket.tcp(), { mode: 'client' });
        yield* skt.connect('127.0.0.1', port);
        for (let n = 0; n < 5; n++) {
          yield* skt.send(`line ${n}\n`);
          replies.push((yield* skt.receive('*l'))[0]);
        }
        skt.close();
      });
      await copas.loop();
      expect(replies).toEqual(['line 0!', 'line 1!', 'line 2!', 'line 3!', 'line 4!']);
      expect(seenByLaterListener).toEqual([0, 1, 2, 3, 4]); // the reader ran after the data callbacks returned
    } finally {
      fs.rmSync(cert.dir, { recursive: true, force: true });
    }
  });
});
