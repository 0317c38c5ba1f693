/**
 * The sans-I/O WebSocket protocol core: frame codec, handshake, permessage-deflate and the
 * connection state machine. Front-ends (copas client, sync client, server) import from here.
 */
export * from './opcodes';
export * from './close-codes';
export * from './close-payload';
export { ProtocolError, badArgument, type ProtocolErrorCode } from './protocol-error';
export { applyMask, packMask, xorMask } from './mask';
export { writeMaskKey } from './mask-keys';
export { defaultTextFrames, encodeFrame, headerLength, rememberTextBytes } from './frame-encoder';
export { TextFrameCache } from './text-frame-cache';
export type { FrameOptions } from './frame-encoder';
export type { FrameParserOptions, ParseStatus } from './frame-parser';
export {
  FrameParser,
  PARSE_CONTROL,
  PARSE_DATA,
  PARSE_ERROR,
  PARSE_NEED_MORE,
} from './frame-parser';
export { Utf8StreamValidator, isViablePrefix } from './utf8-stream';
export * from './header-lists';
export * from './handshake';
export * from './deflate-negotiation';
export { PerMessageDeflate, DEFAULT_DEFLATE_THRESHOLD } from './permessage-deflate';
export * from './protocol';
