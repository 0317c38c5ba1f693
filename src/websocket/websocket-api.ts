import { BINARY, CLOSE, CONTINUATION, PING, PONG, TEXT } from './core';
import { CopasClient, type ClientOptions } from './client/copas-client';
import { listen } from './server/copas-server';

/**
 * The `websocket` object: lua-websockets' module table.
 *
 * Lua: `local websocket = require 'websocket'`  ->  TS: `import { websocket } from 'copas-ts'`
 */
export const websocket = {
  CONTINUATION,
  TEXT,
  BINARY,
  CLOSE,
  PING,
  PONG,
  client: {
    /**
     * A copas client (operations inside tasks).
     * Lua: `websocket.client.copas({timeout = 2})`  ->  TS: `websocket.client.copas({ timeout: 2 })`
     */
    copas(options?: ClientOptions): CopasClient {
      return new CopasClient(options);
    },
  },
  server: {
    copas: {
      /** Starts a copas WebSocket server; see ServerConfig. */
      listen,
    },
  },
};

/** The type of the `websocket` object. */
export type WebSocketModule = typeof websocket;
