/**
 * The WebSocket connection state machine (RFC 6455 sections 5-7), sans I/O: the front-end
 * feeds received bytes with `receive`, reads events with `nextEvent`, queues messages with
 * `send*`, and writes whatever `takeOutgoing` returns. No sockets, timers or Promises, so the
 * copas client, the sync client and the server all share this one implementation.
 *
 * Parsing is lazy: `receive` only stores bytes and `nextEvent` parses until it has an event,
 * so unread input stays in the socket's hands (backpressure) rather than in an event queue.
 *
 * State: one `WebSocketState`, as python-websockets keeps it. OPEN until our CLOSE is queued (then
 * CLOSING) or reading ends (CLOSED: the peer's CLOSE arrived, we failed the connection, or TCP ended).
 * The core is made after the opening handshake, so CONNECTING is only ever the front-end's.
 *
 * Errors: a peer's violation is a ProtocolError (protocol-error.ts) from the parser, the close payload
 * or the inflater, and `fail` is the one place that turns it into our CLOSE frame and the close event.
 *
 * Closing: when the peer's CLOSE arrives we queue the reply (echoing its code; an empty close
 * if it had none) and report `close` with `wasClean: true`. When the peer breaks the protocol we
 * queue a CLOSE with 1002 (protocol), 1007 (bad UTF-8 / corrupt deflate data) or 1009 (too
 * big), report `close` with `wasClean: false`, and ignore all further input. After the
 * handshake a server closes TCP at once; a client waits for the server to close it (RFC 6455
 * 7.1.1), with a timeout that is the front-end's job: see `shouldCloseTransport`.
 */
import { isUtf8 } from 'node:buffer';
import { asBuffer } from './as-buffer';
import { decodeUtf8 } from './utf8-decode';
import { CLOSE_ABNORMAL, CLOSE_NORMAL, CLOSE_NO_STATUS, MAX_CLOSE_REASON_BYTES } from './close-codes';
import { checkCloseArguments, encodeClosePayload, parseClosePayload } from './close-payload';
import { DeflateOptions, DeflateParams, checkDeflateOptions } from './deflate-negotiation';
import { defaultTextFrames, encodeFrame } from './frame-encoder';
import { FrameParser, PARSE_CONTROL, PARSE_DATA, PARSE_ERROR, PARSE_NEED_MORE } from './frame-parser';
import { MessageAssembler } from './message-assembler';
import { BINARY, CLOSE, CONTINUATION, PING, PONG, TEXT } from './opcodes';
import { PerMessageDeflate } from './permessage-deflate';
import { ProtocolError, badArgument } from './protocol-error';
import type { TextFrameCache } from './text-frame-cache';
import { Utf8StreamValidator } from './utf8-stream';

/**
 * Default largest message (after decompression): 64 MiB. Big enough for the conformance
 * suite's 16 MiB cases, small enough that a few hostile peers cannot exhaust memory.
 */
export const DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024 * 1024;

/**
 * Default largest number of frames in one message: 262,144. Autobahn's 9.x cases send 4 MiB
 * in 64-byte fragments (65,536 frames) and expect them echoed, so the limit sits 4x above
 * that (`ws`'s 16,384 fails them); a flood of a million 1-byte fragments still gets 1009
 * after 262,144 frames. Small fragments are coalesced (see MessageAssembler), so reaching the
 * limit costs memory proportional to the bytes, not to the frame count.
 */
export const DEFAULT_MAX_FRAGMENTS = 262144;

/** Which end of the connection this is: clients mask what they send, servers unmask. */
export type Role = 'client' | 'server';

/**
 * Where a connection is (python-websockets' State): CONNECTING while the opening handshake runs (the
 * front-end's: the core starts after it), OPEN, CLOSING (our CLOSE sent, the reply awaited), CLOSED.
 */
export type WebSocketState = 'CONNECTING' | 'OPEN' | 'CLOSING' | 'CLOSED';

/** `state` in lower case: 'open', 'closing' (we sent CLOSE and wait), 'closed' (done or failed). */
export type ReadyState = 'open' | 'closing' | 'closed';

const READY_STATE = { CONNECTING: 'open', OPEN: 'open', CLOSING: 'closing', CLOSED: 'closed' } as const;

/** Tuning and negotiated state for one connection. */
export interface ProtocolOptions {
  /** Largest message in bytes (after inflation); larger ones fail with 1009. */
  maxMessageSize?: number;
  /** Largest number of frames per message; more fail with 1009. */
  maxFragments?: number;
  /** Negotiated permessage-deflate parameters, or null/undefined for none. */
  deflate?: DeflateParams | null;
  /** Codec tuning for permessage-deflate (threshold, level, memLevel). */
  deflateOptions?: DeflateOptions;
  /**
   * Small text frames shared with other connections (the front-ends pass src/websocket/text-frames.ts's);
   * default: the encoder's own.
   */
  textFrames?: TextFrameCache;
}

/** A complete TEXT message, decoded. */
export interface TextMessageEvent {
  type: 'message';
  opcode: typeof TEXT;
  data: string;
}
/** A complete BINARY message. */
export interface BinaryMessageEvent {
  type: 'message';
  opcode: typeof BINARY;
  data: Buffer;
}
/** A PING arrived (already answered with a PONG in `takeOutgoing`). */
export interface PingEvent {
  type: 'ping';
  data: Buffer;
}
/** A PONG arrived. */
export interface PongEvent {
  type: 'pong';
  data: Buffer;
}
/**
 * The connection is over for reading: the peer's CLOSE arrived (`wasClean` true; code 1005 if it
 * had none), we failed the connection (`wasClean` false, our code), or TCP ended first (1006).
 */
export interface CloseEvent {
  type: 'close';
  code: number;
  reason: string;
  wasClean: boolean;
}
/** Everything `nextEvent` can return. */
export type ProtocolEvent = TextMessageEvent | BinaryMessageEvent | PingEvent | PongEvent | CloseEvent;

const EMPTY = Buffer.alloc(0);

/** Why reading ended when TCP closed first; never sent (1006 is local-only). */
const EOF_REASON = 'connection closed without a close frame';

function checkLimit(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw badArgument(name, `expected a positive integer, got ${String(value)}`);
  return value;
}

/** One WebSocket connection's protocol state, after the opening handshake. */
export class WebSocketProtocol {
  /** Client or server. */
  readonly role: Role;
  /** Largest message in bytes. */
  readonly maxMessageSize: number;
  /** Largest frame count per message. */
  readonly maxFragments: number;

  private readonly parser: FrameParser;
  private readonly deflate: PerMessageDeflate | null;
  private readonly mask: boolean;
  private readonly texts: TextFrameCache;
  /** Frames to write; null when none (an idle connection holds no array). */
  private outgoing: Buffer[] | null = null;
  private current: WebSocketState = 'OPEN';
  /** Our CLOSE is queued: no more messages may be sent (also after a failure: it carried our code). */
  private sentClose = false;
  /** The peer's valid CLOSE arrived: reading ended cleanly. */
  private receivedClose = false;
  /** TCP delivered EOF: no more input will come. */
  private inputEnded = false;
  private violation: ProtocolError | null = null;
  // The message being received.
  private msgOpcode = 0;
  private msgCompressed = false;
  private msgSize = 0;
  private fragmentCount = 0;
  private streamUtf8 = false;
  /** Made on the first message that does not arrive as one frame in one chunk (most never need them). */
  private assembler: MessageAssembler | null = null;
  private utf8: Utf8StreamValidator | null = null;

  constructor(role: Role, options: ProtocolOptions = {}) {
    if (role !== 'client' && role !== 'server') throw badArgument('role', `expected 'client' or 'server', got ${String(role)}`);
    this.role = role;
    this.maxMessageSize = checkLimit('maxMessageSize', options.maxMessageSize, DEFAULT_MAX_MESSAGE_SIZE);
    this.maxFragments = checkLimit('maxFragments', options.maxFragments, DEFAULT_MAX_FRAGMENTS);
    this.mask = role === 'client';
    this.texts = options.textFrames ?? defaultTextFrames;
    const deflate = options.deflate ?? null;
    if (deflate !== null) {
      const deflateOptions = options.deflateOptions ?? {};
      checkDeflateOptions(deflateOptions);
      this.deflate = new PerMessageDeflate(role, deflate, deflateOptions, this.maxMessageSize);
    } else {
      this.deflate = null;
    }
    this.parser = new FrameParser({
      expectMasked: role === 'server',
      maxPayload: this.maxMessageSize,
      allowRsv1: deflate !== null,
    });
  }

  /** OPEN, CLOSING (our CLOSE queued, the reply awaited) or CLOSED (reading ended); never CONNECTING. */
  get state(): WebSocketState {
    return this.current;
  }

  /** `state` in lower case. */
  get readyState(): ReadyState {
    return READY_STATE[this.current];
  }

  /** We queued our CLOSE frame (no more messages may be sent). */
  get closeSent(): boolean {
    return this.sentClose;
  }

  /** The peer's CLOSE frame arrived. */
  get closeReceived(): boolean {
    return this.receivedClose;
  }

  /** The peer's violation that failed the connection, or null. */
  get error(): ProtocolError | null {
    return this.violation;
  }

  /**
   * True once the TCP connection should be closed by this side: a server after the closing
   * handshake, either side after failing the connection or after the peer's EOF. A client that
   * finished a clean close should wait for the server's EOF (and close after a timeout).
   */
  get shouldCloseTransport(): boolean {
    // Reading that ended without the peer's CLOSE ended by a failure or by EOF.
    return this.current === 'CLOSED' && (this.role === 'server' || !this.receivedClose || this.inputEnded);
  }

  /** Feeds received bytes. The core owns `chunk` afterwards (masked payload is unmasked in place). */
  receive(chunk: Uint8Array): void {
    if (this.current === 'CLOSED' || this.inputEnded) return;
    this.parser.push(asBuffer(chunk));
  }

  /** The TCP connection delivered EOF; without a close handshake this ends in close 1006. */
  receiveEof(): void {
    this.inputEnded = true;
  }

  /** The next event, or null when more input is needed (or the connection is over). */
  nextEvent(): ProtocolEvent | null {
    if (this.current === 'CLOSED') return null;
    const parser = this.parser;
    for (;;) {
      const status = parser.next();
      let event: ProtocolEvent | null = null;
      if (status === PARSE_DATA) {
        event = this.onData();
      } else if (status === PARSE_CONTROL) {
        event = this.onControl();
      } else if (status === PARSE_ERROR) {
        event = this.fail(parser.error as ProtocolError);
      } else if (status === PARSE_NEED_MORE) {
        if (!this.inputEnded) return null;
        return this.finish({ type: 'close', code: CLOSE_ABNORMAL, reason: EOF_REASON, wasClean: false });
      }
      if (event !== null) return event;
    }
  }

  /**
   * Bytes to write, in order; the caller writes them all (writev/cork) and never writes into them: a text
   * frame sent again is the same Buffer on every connection it goes to (see the encoder's text cache).
   */
  takeOutgoing(): Buffer[] {
    const out = this.outgoing;
    if (out === null) return [];
    this.outgoing = null;
    return out;
  }

  /** True if `takeOutgoing` has something to write. */
  get hasOutgoing(): boolean {
    return this.outgoing !== null;
  }

  /**
   * Queues a message: a string goes as TEXT, bytes as BINARY, unless `opcode` says otherwise
   * (TEXT bytes must be valid UTF-8). Returns false once our CLOSE was sent. Payload Buffers are
   * queued without copying on the server side: do not modify them until written.
   */
  sendMessage(data: string | Uint8Array, opcode?: typeof TEXT | typeof BINARY): boolean {
    const isString = typeof data === 'string';
    if (!isString && !(data instanceof Uint8Array)) throw badArgument('data', `expected a string or a Uint8Array, got ${typeof data}`);
    const op = opcode ?? (isString ? TEXT : BINARY);
    if (op !== TEXT && op !== BINARY) throw badArgument('opcode', `expected TEXT (1) or BINARY (2), got ${String(opcode)}`);
    if (op === TEXT && !isString && !isUtf8(data)) throw badArgument('data', 'a TEXT message must be valid UTF-8');
    if (this.sentClose) return false;
    const deflate = this.deflate;
    if (deflate !== null) {
      const length = isString ? Buffer.byteLength(data) : data.length;
      if (deflate.shouldCompress(length)) {
        const plain = isString ? Buffer.from(data, 'utf8') : asBuffer(data);
        encodeFrame(op, deflate.compress(plain), { fin: true, rsv1: true, mask: this.mask }, this.queue(), this.texts);
        return true;
      }
    }
    encodeFrame(op, data, { fin: true, rsv1: false, mask: this.mask }, this.queue(), this.texts);
    return true;
  }

  private queue(): Buffer[] {
    return (this.outgoing ??= []);
  }

  /** Queues a PING (payload at most 125 bytes). Returns false once our CLOSE was sent. */
  sendPing(data?: string | Uint8Array): boolean {
    return this.sendControl(PING, data);
  }

  /** Queues an unsolicited PONG (heartbeat). Returns false once our CLOSE was sent. */
  sendPong(data?: string | Uint8Array): boolean {
    return this.sendControl(PONG, data);
  }

  /**
   * Starts the closing handshake (default code 1000). Throws if `code` cannot be sent or
   * `reason` is over 123 bytes; returns false if our CLOSE was already sent.
   */
  sendClose(code?: number, reason?: string): boolean {
    checkCloseArguments(code, reason);
    if (this.sentClose) return false;
    this.queueClose(code ?? CLOSE_NORMAL, reason ?? '');
    if (this.current === 'OPEN') this.current = 'CLOSING';
    return true;
  }

  private sendControl(opcode: number, data: string | Uint8Array | undefined): boolean {
    let payload: Uint8Array | string = EMPTY;
    if (data !== undefined) {
      if (typeof data !== 'string' && !(data instanceof Uint8Array)) throw badArgument('data', `expected a string or a Uint8Array, got ${typeof data}`);
      const length = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
      if (length > 125) throw badArgument('data', `control payload is at most 125 bytes, got ${length}`);
      payload = data;
    }
    if (this.sentClose) return false;
    encodeFrame(opcode, payload, { fin: true, rsv1: false, mask: this.mask }, this.queue(), this.texts);
    return true;
  }

  private queueClose(code: number | null, reason: string): void {
    this.sentClose = true;
    encodeFrame(CLOSE, encodeClosePayload(code, reason), { fin: true, rsv1: false, mask: this.mask }, this.queue(), this.texts);
  }

  /** Ends reading: no more events after this one. */
  private finish(event: CloseEvent): CloseEvent {
    this.current = 'CLOSED';
    this.parser.stop();
    this.assembler?.reset();
    this.msgOpcode = 0;
    return event;
  }

  /**
   * Fails the connection (RFC 6455 7.1.7) for a peer's violation: our CLOSE carries its close code and
   * reason (cut to fit), the close event reports them, and further input is ignored.
   */
  private fail(error: ProtocolError): CloseEvent {
    this.violation = error;
    const { closeCode, reason } = error;
    if (!this.sentClose) this.queueClose(closeCode, reason.length > MAX_CLOSE_REASON_BYTES ? reason.slice(0, MAX_CLOSE_REASON_BYTES) : reason);
    return this.finish({ type: 'close', code: closeCode, reason, wasClean: false });
  }

  private onControl(): ProtocolEvent | null {
    const parser = this.parser;
    const payload = parser.payload;
    if (parser.opcode === PING) {
      if (!this.sentClose) encodeFrame(PONG, payload, { fin: true, rsv1: false, mask: this.mask }, this.queue(), this.texts);
      return { type: 'ping', data: payload };
    }
    if (parser.opcode === PONG) return { type: 'pong', data: payload };
    const close = parseClosePayload(payload);
    if (!close.ok) return this.fail(close.error);
    this.receivedClose = true;
    if (!this.sentClose) this.queueClose(close.code, close.reason); // echo code and reason, so both ends report the same
    return this.finish({ type: 'close', code: close.code ?? CLOSE_NO_STATUS, reason: close.reason, wasClean: true });
  }

  private onData(): ProtocolEvent | null {
    const parser = this.parser;
    const piece = parser.payload;
    if (parser.frameStart) {
      const opcode = parser.opcode;
      if (opcode === CONTINUATION) {
        if (this.msgOpcode === 0) return this.fail(new ProtocolError('UNEXPECTED_CONTINUATION', 'continuation frame without a message to continue'));
      } else {
        if (this.msgOpcode !== 0) return this.fail(new ProtocolError('INTERLEAVED_MESSAGE', 'new data frame inside a fragmented message'));
        this.msgOpcode = opcode;
        this.msgCompressed = parser.rsv1;
        this.msgSize = 0;
        this.fragmentCount = 0;
        this.streamUtf8 = opcode === TEXT && !parser.rsv1;
      }
      if (++this.fragmentCount > this.maxFragments) {
        return this.fail(new ProtocolError('TOO_MANY_FRAGMENTS', `message of more than ${this.maxFragments} frames`));
      }
      this.msgSize += parser.payloadLength;
      if (this.msgSize > this.maxMessageSize) {
        return this.fail(new ProtocolError('MESSAGE_TOO_BIG', `message over the limit of ${this.maxMessageSize} bytes`));
      }
      if (parser.frameEnd && parser.fin && (this.assembler === null || this.assembler.length === 0)) {
        // Whole message in one frame in one chunk: a view of the received bytes, no copy.
        return this.completeMessage(piece, false);
      }
    }
    if (this.streamUtf8 && !(this.utf8 ??= new Utf8StreamValidator()).push(piece)) {
      return this.fail(new ProtocolError('INVALID_UTF8', 'invalid UTF-8 in text message'));
    }
    const assembler = (this.assembler ??= new MessageAssembler());
    assembler.append(piece);
    if (!(parser.frameEnd && parser.fin)) return null;
    if (this.streamUtf8 && !(this.utf8 as Utf8StreamValidator).end()) {
      return this.fail(new ProtocolError('INVALID_UTF8', 'text message ends inside a UTF-8 sequence'));
    }
    return this.completeMessage(assembler.finish(), this.streamUtf8);
  }

  private completeMessage(payload: Buffer, utf8Checked: boolean): ProtocolEvent {
    const opcode = this.msgOpcode;
    const compressed = this.msgCompressed;
    this.msgOpcode = 0;
    this.msgCompressed = false;
    let data = payload;
    if (compressed && this.deflate !== null) {
      const inflated = this.deflate.decompress(payload);
      if (inflated === null) return this.fail(this.deflate.error as ProtocolError);
      data = inflated;
    }
    if (opcode === TEXT) {
      if (utf8Checked) return { type: 'message', opcode: TEXT, data: data.toString('utf8') };
      const text = decodeUtf8(data);
      if (text === null) return this.fail(new ProtocolError('INVALID_UTF8', 'invalid UTF-8 in text message'));
      // A view of a received chunk that nothing writes into again (inflated output is not kept: zlib's).
      if (!compressed) this.texts.remember(text, data);
      return { type: 'message', opcode: TEXT, data: text };
    }
    return { type: 'message', opcode: BINARY, data };
  }
}
