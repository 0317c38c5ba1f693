/** RFC 6455 WebSocket: the sans-I/O core (./core) and its copas front-ends. */
export { websocket, type WebSocketModule } from './websocket-api';
export { WebSocketConnection, type WebSocketState, type WsMessage, type WsReceiveResult, type WsSendResult, type WsCloseResult, type ConnectionOptions } from './connection';
export { CopasClient, type ClientOptions, type WsConnectResult } from './client/copas-client';
export { SyncClient } from './client/sync-client';
export type { DeflateOptions } from './core';
export { WebSocketServer, listen, type ServerConfig, type WebSocketHandler } from './server/copas-server';
export { ServerConnection } from './server/server-connection';
export type { UpgradeRequest, AuthorizeVerdict, AuthorizeHook } from './server/admission';
export type { SlowClientPolicy } from './buffered-amount';
export type { PubSubConfig, PubSubStatus } from './server/server-topics';
export type { BridgeState, BridgeStats } from './pubsub/redis-bridge';
