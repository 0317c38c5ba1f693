/**
 * Faults inside a sync client's worker thread, for specs that show the caller never hangs: a worker that
 * stalls (busy, no reply) or crashes (an uncaught error) while the caller waits. Importing this module makes
 * every sync worker started afterwards also load sync-faults-worker.ts, which takes the orders below on a
 * BroadcastChannel; import it before the first sync client of the spec file.
 */
import * as path from 'node:path';
import { BroadcastChannel, type Worker } from 'node:worker_threads';
import { workerExtras, type SyncClient } from '../../src/websocket/client/sync-client';
import type { WsReceiveResult } from '../../src/websocket/connection';
import { FAULTS_CHANNEL, type FaultOrder } from './sync-faults-worker';

const extra = path.join(__dirname, 'sync-faults-worker.ts');
if (!workerExtras.includes(extra)) workerExtras.push(extra);

let orders: BroadcastChannel | null = null;

function order(o: FaultOrder): void {
  if (orders === null) {
    orders = new BroadcastChannel(FAULTS_CHANNEL);
    orders.unref();
  }
  orders.postMessage(o);
}

/** A sync client's worker, and ways to make it stall or crash and then wait for a reply as a call would. */
export function syncClientInternals(client: SyncClient): {
  worker: Worker;
  stallThenReceive(seconds: number): WsReceiveResult;
  crashThenReceive(): WsReceiveResult;
} {
  const c = client as unknown as { host: { worker: Worker } };
  return {
    worker: c.host.worker,
    stallThenReceive(seconds) {
      order({ fault: 'stall', seconds });
      return client.receive();
    },
    crashThenReceive() {
      order({ fault: 'crash' });
      return client.receive();
    },
  };
}
