/**
 * The worker half of `websocket.client.sync`: runs the copas scheduler and one CopasClient per sync client
 * (the very same client code, no second protocol implementation), each call as one copas task. Loaded by the
 * eval stub in sync-client.ts, from src/*.ts under ts-node or from dist/*.js. Requests and replies travel
 * through a SyncChannel (sync-channel.ts).
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { kernel, type TaskGenerator } from '../../scheduler';
import { CopasClient, type ClientOptions } from './copas-client';
import { DEAD, READY, SEQ, SyncChannel, type SyncReply, type SyncRequest } from './sync-channel';

interface WorkerData {
  sab: SharedArrayBuffer;
  port: MessagePort;
}

function serveSyncClients(data: WorkerData): void {
  const channel = new SyncChannel(data.sab, data.port);
  const { signal, port } = channel;
  const clients = new Map<number, CopasClient>();
  const broken = new Map<number, unknown>();

  // The caller often calls again microseconds after a reply: once this thread has run what was pending (I/O
  // first), it looks for that call (see SyncChannel.lookAgain), which then needs no port message to wake it.
  let looking: NodeJS.Immediate | null = null;
  const lookAgain = (): void => {
    looking = null;
    channel.lookAgain(handle);
  };
  const reply = (msg: SyncReply): void => {
    channel.reply(msg);
    looking ??= setImmediate(lookAgain);
  };
  const errorReply = (id: number, err: unknown, state?: CopasClient['state']): void => {
    const e = err instanceof Error ? err : new Error(String(err));
    reply({ id, error: { name: e.name, message: e.message, stack: e.stack }, state });
  };

  function* runOp(req: SyncRequest, client: CopasClient): TaskGenerator<void> {
    let result: unknown[];
    try {
      const a = req.args;
      switch (req.op) {
        case 'connect':
          result = yield* client.connect(a[0] as string, a[1] as string | string[] | undefined);
          break;
        case 'send':
          result = yield* client.send(a[0] as string | Buffer, a[1] as number | undefined);
          break;
        case 'receive':
          result = yield* client.receive();
          break;
        case 'close':
          result = yield* client.close(a[0] as number | undefined, a[1] as string | undefined);
          break;
        case 'ping':
          result = yield* client.ping(a[0] as string | Buffer | undefined);
          break;
        case 'status':
          result = [client.latency, client.bufferedAmount];
          break;
        default:
          throw new Error(`websocket.client.sync: unknown operation ${String(req.op)}`);
      }
    } catch (err) {
      errorReply(req.id, err, client.state);
      return;
    }
    reply({ id: req.id, result, state: client.state });
  }

  function handle(req: SyncRequest): void {
    if (req.op === 'new') {
      try {
        clients.set(req.client, new CopasClient(req.args[0] as ClientOptions));
      } catch (err) {
        broken.set(req.client, err);
      }
      return;
    }
    if (req.op === 'drop') {
      // the caller gave up on this connection (a call past its safety bound: args[0] false, the client
      // stays, CLOSED) or on the whole client (garbage-collected: args[0] true)
      const c = clients.get(req.client);
      if (req.args[0] === true) {
        clients.delete(req.client);
        broken.delete(req.client);
      }
      c?.drop();
      return;
    }
    const client = clients.get(req.client);
    if (client === undefined) {
      errorReply(req.id, broken.get(req.client) ?? new Error('websocket.client.sync: this client was dropped'));
      return;
    }
    kernel.spawn(`websocket.client.sync#${req.client} ${req.op}`, runOp, [req, client]);
  }
  channel.listen(handle);

  // a crash of this thread must not leave the caller waiting: mark it dead and wake it
  process.on('uncaughtException', (err) => {
    Atomics.store(signal, DEAD, 1);
    try { port.postMessage({ id: -1, error: { name: err.name, message: err.message, stack: err.stack } }); } catch { /* closed */ }
    Atomics.add(signal, SEQ, 1);
    Atomics.notify(signal, SEQ);
    process.exit(1);
  });

  // the loop runs for the life of the thread (held: it never finds itself finished), so a call costs no
  // loop start and stop; the thread is unref'd by its owner, so this keeps no process alive
  kernel.hold();
  void kernel.loop();
  Atomics.store(signal, READY, 1);
  Atomics.notify(signal, SEQ);
}

if (workerData !== null && typeof workerData === 'object' && (workerData as { syncClientWorker?: boolean }).syncClientWorker === true) {
  serveSyncClients(workerData as WorkerData);
}
