/**
 * bench/pubsub/fanout-load.ts: the subscribers of the fan-out bench, on plain node:net (kept cheap so the
 * servers are what is measured): { cmd: 'open', ports, n } opens n WebSocket connections spread over the
 * ports (protocol 'sub'); from then on it reports every 10 ms the fewest messages any connection has
 * received ({ min }), counted from the bytes (every frame is the same size, so no parsing); { cmd: 'cpu' }.
 */
import * as net from 'node:net';

const send = (m: object): void => { process.send?.(m); };
let frameBytes = 0;
const counts: number[] = [];

function open(port: number, index: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let head = true;
    let pending = Buffer.alloc(0);
    let bytes = 0;
    s.setNoDelay(true);
    s.on('connect', () => s.write(`GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: sub\r\n\r\n`));
    s.on('data', (d: Buffer) => {
      if (head) {
        pending = Buffer.concat([pending, d]);
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!pending.subarray(0, 12).toString().includes('101')) { reject(new Error(pending.toString())); return; }
        head = false;
        d = pending.subarray(end + 4);
        resolve();
      }
      bytes += d.length;
      counts[index] = Math.floor(bytes / frameBytes);
    });
    s.on('error', reject);
  });
}

process.on('message', (m: { cmd: string; ports?: number[]; n?: number; size?: number }) => {
  if (m.cmd === 'open') {
    const ports = m.ports as number[];
    frameBytes = (m.size as number) + ((m.size as number) < 126 ? 2 : 4);
    const n = m.n as number;
    for (let i = 0; i < n; i++) counts.push(0);
    const all: Promise<void>[] = [];
    for (let i = 0; i < n; i++) all.push(open(ports[i % ports.length], i));
    void Promise.all(all).then(() => {
      send({ opened: n });
      setInterval(() => { let min = Infinity; for (const c of counts) if (c < min) min = c; send({ min }); }, 10);
    }, (err: Error) => send({ error: err.message }));
  } else if (m.cmd === 'cpu') {
    const u = process.cpuUsage();
    send({ cpu: (u.user + u.system) / 1e6 });
  } else if (m.cmd === 'exit') {
    process.exit(0);
  }
});
