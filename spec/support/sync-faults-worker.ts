/**
 * Loaded inside a sync client's worker thread when a spec imported sync-faults.ts: carries out that
 * module's orders, sent on a BroadcastChannel so that the worker's own request channel stays untouched.
 */
import { BroadcastChannel, isMainThread } from 'node:worker_threads';

/** The channel's name. */
export const FAULTS_CHANNEL = 'copas-ts sync-client faults';

/** Keep the thread busy for `seconds` (no reply), or throw an uncaught error in it. */
export type FaultOrder = { fault: 'stall'; seconds: number } | { fault: 'crash' };

if (!isMainThread) {
  const orders = new BroadcastChannel(FAULTS_CHANNEL);
  orders.unref();
  orders.onmessage = (event: unknown) => {
    const o = (event as { data: FaultOrder }).data;
    if (o.fault === 'stall') {
      const until = Date.now() + o.seconds * 1000;
      while (Date.now() < until) { /* busy */ }
    } else {
      setImmediate(() => { throw new Error('sync worker crash (test)'); });
    }
  };
}
