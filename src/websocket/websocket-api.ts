import { BINARY, CLOSE, CONTINUATION, PING, PONG, TEXT } from './core';
import { CopasClient, type ClientOptions } from './client/copas-client';
import { listen } from './server/copas-server';
import { SyncClient } from './client/sync-client';

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
  /** The clients: `copas` (operations inside tasks) and `sync` / `new` (blocking calls). */
  client: {
    /**
     * A copas client (operations inside tasks).
     * Lua: `websocket.client.copas({timeout = 2})`  ->  TS: `websocket.client.copas({ timeout: 2 })`
     */
    copas(options?: ClientOptions): CopasClient {
      return new CopasClient(options);
    },
    /**
     * A sync client: connect / send / receive / close are plain calls that block the calling thread (a
     * worker thread runs the copas client) and return the copas client's tuples. Not inside a copas task.
     * Lua: `websocket.client.sync({timeout = 2})`  ->  TS: `websocket.client.sync({ timeout: 2 })`
     */
    sync(options?: ClientOptions): SyncClient {
      return new SyncClient(options);
    },
    /** Alias of websocket.client.sync (lua-websockets' `websocket.client.new`). */
    new(options?: ClientOptions): SyncClient {
      return new SyncClient(options);
    },
  },
  /** The server: `server.copas.listen(config)`. */
  server: {
    /** The copas server (each connection's handler is a task). */
    copas: {
      /** Starts a copas WebSocket server; see ServerConfig. */
      listen,
    },
  },
};

/** The type of the `websocket` object. */
export type WebSocketModule = typeof websocket;
