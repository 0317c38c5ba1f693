import { breakdown, samples } from '../../bench/websocket/perf-breakdown';

/** One `perf script` sample: a header line, then its frames leaf first. */
const sample = (...frames: string[]): string =>
  `node  1234 100.000: 200200 cpu-clock:\n${frames.map((f, i) => `\t    ffff${i.toString(16).padStart(4, '0')} ${f} (/x)`).join('\n')}\n\n`;

describe('bench/websocket/perf-breakdown', () => {
  it('reads stacks from perf script text, dropping offsets', () => {
    const [s] = [...samples(sample('finish_task_switch.isra.0+0x9b', 'JS:*echo /b/bench/websocket/server.js:73:1+0x2f'))];
    expect(s).toEqual(['finish_task_switch.isra.0', 'JS:*echo /b/bench/websocket/server.js:73:1']);
  });

  it('puts each sample in one bucket and gives microseconds per message', () => {
    const text = [
      sample('tcp_sendmsg', 'node::StreamBase::WriteBuffer', 'JS:*writeOrBuffer node:internal/streams/writable:548:23'),
      sample('tcp_recvmsg', 'read', 'uv__read', 'uv__stream_io'),
      sample('finish_task_switch.isra.0', 'do_epoll_wait', 'epoll_pwait', 'uv__io_poll'),
      sample('v8::internal::ScavengerCollector::CollectGarbage'),
      sample('Builtins_CallApiCallback', 'JS:*decode node:internal/encoding:440:9', 'JS:*completeMessage /tmp/b/src/websocket/core/protocol.js:315:20', 'node::LibuvStreamWrap::OnUvRead', 'uv__read'),
      sample('JS:*getInfo /r/node_modules/ws/lib/receiver.js:208:10'),
      sample('JS:*echo /tmp/b/bench/websocket/server.js:73:1'),
      sample('JS:*addChunk node:internal/streams/readable:550:18'),
      sample('uv_run'),
    ].join('');
    const b = breakdown(text, 1000, 1000); // 1 sample = 1 ms; over 1000 messages = 1 us each
    expect(Object.fromEntries(b)).toEqual({
      'write(2) + loopback delivery': 1,
      'read(2)': 1,
      'epoll wait / wake-up': 1,
      'V8 GC': 1,
      "Node's JS alone (read path, ticks)": 1,
      'ws JS (+ the Node APIs it calls)': 1,
      'echo handler JS (+ the Node APIs it calls)': 1,
      'copas-ts JS (+ the Node APIs it calls)': 1, // TextDecoder's decode counts with copas-ts, which called it
      'other JS': 0,
      'native, no JS frame (read buffers, callbacks)': 1,
    });
  });
});
