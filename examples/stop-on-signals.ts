/**
 * Clean shutdown for the example servers: on SIGINT (Ctrl-C) or SIGTERM, close the server (every client gets
 * 1001 and its handler's `finally` runs), wait for the clients at most `seconds`, run `then` (stop timers),
 * and let `copas.loop()` resolve so the process exits 0. A second signal exits at once.
 */
import { copas, type WebSocketServer } from '../src';

export function stopOnSignals(server: WebSocketServer, then?: () => void, seconds = 5): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`${signal}: closing (clients get 1001)`);
    copas.addthread(function* () {
      const clean = yield* server.shutdown(seconds);
      if (!clean) console.log(`some clients did not close within ${seconds} s: dropped`);
      then?.();
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
