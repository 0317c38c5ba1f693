/** LuaSocket-style sockets under the scheduler, and Copas' socket functions. Knows nothing of WebSocket. */
export { socket, type SocketModule } from './socket-api';
export { handlerTaskName, TcpSocket, type ReceivePattern, type ReceiveResult, type SendResult, type OkResult } from './tcp-socket';
export { TcpServer, type ConnectionHandler } from './tcp-server';
export { UdpSocket } from './udp-socket';
export type { TlsParams, NestedTlsParams } from './tls-params';
export type { SocketData } from './data';
export * as copasSockets from './copas-sockets';
export { bindAndListen } from './bind';
