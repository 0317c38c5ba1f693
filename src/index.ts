/**
 * copas-ts: Copas and lua-websockets for TypeScript.
 *
 * Lua: `local copas = require 'copas'`  ->  TS: `import { copas, socket, websocket } from 'copas-ts'`
 */
export { copas, type Copas, type CopasCall, type CopasFunctions } from './copas';
export { socket, TcpSocket, TcpServer, UdpSocket } from './socket';
export type { SocketModule, ReceivePattern, ReceiveResult, SendResult, OkResult, TlsParams, NestedTlsParams, SocketData, ConnectionHandler } from './socket';
export type { Operation, AwaitableOperation, Instruction, TaskFunction, TaskGenerator, Task, TaskResult, TryResult, ErrorHandler, CopasStatus } from './scheduler';
export type { Timer, TimerOptions, TimerCallback } from './scheduler/timer';
export type { Lock, LockGetResult } from './scheduler/lock';
export type { Semaphore } from './scheduler/semaphore';
export type { Destroyed } from './scheduler/wait-list';
export type { Queue, QueueOptions, QueueWorker } from './scheduler/queue';
export type { Future } from './scheduler/future';
export type { CopasStatusRows, CopasCounts, CopasStepStats, DebugLogger, TaskRow, ResourceRow, TaskRef, ChromeTrace, ChromeTraceEvent, TraceOptions } from './scheduler';
export type { InspectOptions, Inspector } from './inspector/inspect';
export type { HttpRequestOptions, HttpSslParams, HttpTimeout, HttpTableResult, HttpStringResult, HttpHeaders, HttpSink } from './socket/http';
export { websocket, WebSocketConnection, CopasClient, SyncClient, WebSocketServer, ServerConnection } from './websocket';
export type { WebSocketModule, WebSocketState, WsMessage, WsReceiveResult, WsSendResult, WsCloseResult, ClientOptions, WsConnectResult, ConnectionOptions, DeflateOptions, ServerConfig, WebSocketHandler } from './websocket';
export type { UpgradeRequest, AuthorizeVerdict, AuthorizeHook, SlowClientPolicy } from './websocket';
export type { PubSubConfig, PubSubStatus, BridgeState, BridgeStats } from './websocket';
