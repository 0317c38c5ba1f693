/**
 * Helpers specific to the websocket specs on real sockets: a loop-end check and a safety net that closes the
 * servers and stops the loop a failed spec left behind. The raw `node:net` WebSocket client, the echo handler
 * and the small Promise utilities are in ../support/raw-websocket.
 */
import { copas, websocket, type ServerConfig, type WebSocketServer } from '../../src';
import { sleep, within } from '../support/raw-websocket';

export const SIZES = [0, 1, 125, 126, 127, 65535, 65536, 1024 * 1024];

/** Awaits copas.loop's promise, failing if it does not resolve in `ms`. */
export async function loopEnds(loop: Promise<void>, ms = 5000): Promise<void> {
  await within(loop, ms, 'copas.loop() to finish');
  expect(copas.finished()).toBe(true);
}

/**
 * Safety net for a failed spec: the next one must not find the loop still running or a server still open.
 * Call `tracked(server)` for each server and `startLoop()` instead of copas.loop(); `installCleanup()` once per file.
 */
const openServers: Array<{ close(keep?: boolean): void }> = [];
let lastLoop: Promise<void> | null = null;

export function tracked<S extends { close(keep?: boolean): void }>(server: S): S {
  openServers.push(server);
  return server;
}

/** websocket.server.copas.listen, tracked for the cleanup. */
export function listen(config: ServerConfig): WebSocketServer {
  return tracked(websocket.server.copas.listen(config));
}

export function startLoop(): Promise<void> {
  lastLoop = copas.loop();
  return lastLoop;
}

export function installCleanup(): void {
  afterEach(async () => {
    for (const s of openServers.splice(0)) s.close();
    if (copas.running && lastLoop !== null) {
      await Promise.race([lastLoop, sleep(1000)]);
      if (copas.running) {
        copas.cancelall();
        await Promise.race([lastLoop, sleep(1000)]);
      }
    }
    lastLoop = null;
  });
}

export { copas, websocket };
