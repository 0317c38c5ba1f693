/**
 * bench/websocket/perf-breakdown.ts: where a server's CPU time goes per message, from `perf script` output of a
 * `perf record -g` of the server process (node started with --perf-basic-prof, so JIT frames carry JS names).
 *
 * Each sample is put in one bucket, first match wins:
 *   write(2)        under Node's StreamBase write: the system call, with the kernel's loopback delivery and the
 *                   wake-up of the peer
 *   read(2)         the read system call (the kernel's tcp_recvmsg)
 *   epoll / wake    waiting in epoll_wait and being switched back in (the cost of sleeping between messages)
 *   V8 GC           scavenges and their sweeper jobs
 *   then by the JavaScript that asked for the work: the nearest frame, going from the leaf towards the root, that
 *   is not Node's own (node:...). So Node's APIs and natives a library calls (socket.write, TextDecoder) count
 *   with that library: copas-ts, ws or the echo handler (bench/websocket/server.js). Samples with only Node's
 *   JavaScript (the read path: onStreamRead, addChunk, emit; nextTick queues) are Node's; native code with no
 *   JavaScript frame at all (libuv, Node's C++ that makes each read's Buffer and calls into JS) is the last.
 */

/** Bucket names in display order. */
export const BUCKETS = [
  'write(2) + loopback delivery',
  'read(2)',
  'epoll wait / wake-up',
  'V8 GC',
  'copas-ts JS (+ the Node APIs it calls)',
  'ws JS (+ the Node APIs it calls)',
  'echo handler JS (+ the Node APIs it calls)',
  "Node's JS alone (read path, ticks)",
  'other JS',
  'native, no JS frame (read buffers, callbacks)',
] as const;
export type Bucket = (typeof BUCKETS)[number];

const WRITE = /StreamBase::WriteBuffer|StreamBase::Writev|StreamBase::WriteString|WriteString</;
const GC = /Scaveng|MarkCompact|Heap::Collect|GCTracer|ConcurrentMarking|ArrayBufferSweeper/;

function bucketOf(stack: string[]): Bucket {
  let read = false;
  let epoll = false;
  let gc = false;
  for (const f of stack) {
    if (WRITE.test(f)) return 'write(2) + loopback delivery';
    if (f.startsWith('tcp_recvmsg') || f === 'ksys_read') read = true;
    else if (f.includes('epoll_pwait') || f.includes('do_epoll_wait')) epoll = true;
    else if (GC.test(f)) gc = true;
  }
  if (read) return 'read(2)';
  if (epoll) return 'epoll wait / wake-up';
  if (gc) return 'V8 GC';
  if (!stack.some((f) => f.startsWith('JS:'))) return 'native, no JS frame (read buffers, callbacks)';
  const js = stack.find((f) => f.startsWith('JS:') && !/ node:/.test(f));
  if (js === undefined) return "Node's JS alone (read path, ticks)";
  if (js.includes('bench/websocket/server')) return 'echo handler JS (+ the Node APIs it calls)';
  if (js.includes('/ws/lib/')) return 'ws JS (+ the Node APIs it calls)';
  if (js.includes('/src/') && !js.includes('node_modules')) return 'copas-ts JS (+ the Node APIs it calls)';
  return 'other JS';
}

/** Splits `perf script` text into samples, each its stack of symbol names, leaf first. */
export function* samples(text: string): Generator<string[]> {
  let stack: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      if (stack.length > 0) yield stack;
      stack = [];
      continue;
    }
    if (line[0] !== '\t' && line[0] !== ' ') continue; // the sample's header line
    const m = /^\s*[0-9a-f]+\s+(.*?)(?:\+0x[0-9a-f]+)?\s+\((.*)\)\s*$/.exec(line);
    if (m !== null) stack.push(m[1]);
  }
  if (stack.length > 0) yield stack;
}

/** Microseconds of server CPU per message in each bucket, given the sampling frequency and messages echoed. */
export function breakdown(text: string, hz: number, messages: number): Map<Bucket, number> {
  const counts = new Map<Bucket, number>(BUCKETS.map((b) => [b, 0]));
  for (const s of samples(text)) {
    const b = bucketOf(s);
    counts.set(b, (counts.get(b) ?? 0) + 1);
  }
  const perMessage = new Map<Bucket, number>();
  for (const [b, n] of counts) perMessage.set(b, (n / hz) * 1e6 / messages);
  return perMessage;
}
