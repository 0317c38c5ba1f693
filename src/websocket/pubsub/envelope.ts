/**
 * The bytes published messages travel as between processes, sans I/O. One envelope carries one or more
 * messages of one topic from one process, in the order they were published:
 *
 *   mark (4 bytes "\0cw1") | origin (8 bytes) | then per message: opcode (1) | length (4, big-endian) | payload
 *
 * The origin is the publishing process's random id, so a process drops its own echo (its local subscribers
 * were served at publish time). Several messages in one envelope cost Redis one PUBLISH instead of one each:
 * a process batches what it publishes to a topic during one tick of Node's loop. A message without the mark
 * came from another tool (`redis-cli PUBLISH`, a backend in another language) and is delivered as one message,
 * TEXT when it is UTF-8, else BINARY.
 */
import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { BINARY, TEXT } from '../core/opcodes';

const MARK = Buffer.from([0x00, 0x63, 0x77, 0x31]); // a format change changes the last byte
const ORIGIN_BYTES = 8;
/** Bytes before the first message. */
export const ENVELOPE_HEADER = MARK.length + ORIGIN_BYTES;
/** Bytes before each message's payload. */
export const RECORD_HEADER = 5;

/** A new process id for envelopes: random, so two machines never share one (an OS pid could). */
export function newOrigin(): Buffer {
  return randomBytes(ORIGIN_BYTES);
}

/** Builds one envelope from messages of one topic, in order; `bytes` is the sum of their payload lengths. */
export class EnvelopeBuilder {
  private readonly payloads: Buffer[] = [];
  private readonly opcodes: number[] = [];
  private payloadBytes = 0;

  constructor(private readonly origin: Buffer) {}

  /** Messages added so far. */
  get count(): number {
    return this.payloads.length;
  }

  /** Bytes the envelope will take. */
  get size(): number {
    return ENVELOPE_HEADER + this.payloads.length * RECORD_HEADER + this.payloadBytes;
  }

  /** Adds a message. `payload` is kept, not copied, until `seal`: the caller must not change it meanwhile. */
  add(opcode: typeof TEXT | typeof BINARY, payload: Buffer): void {
    this.opcodes.push(opcode);
    this.payloads.push(payload);
    this.payloadBytes += payload.length;
  }

  /** The envelope's bytes. */
  seal(): Buffer {
    const out = Buffer.allocUnsafe(this.size);
    MARK.copy(out, 0);
    this.origin.copy(out, MARK.length);
    let at = ENVELOPE_HEADER;
    for (let i = 0; i < this.payloads.length; i++) {
      const p = this.payloads[i];
      out[at] = this.opcodes[i];
      out.writeUInt32BE(p.length, at + 1);
      out.set(p, at + RECORD_HEADER);
      at += RECORD_HEADER + p.length;
    }
    return out;
  }
}

/** One message read from an envelope; `payload` is a view of the envelope. */
export interface OpenedMessage {
  opcode: typeof TEXT | typeof BINARY;
  payload: Buffer;
}

/** What arrived from the broker. `origin` is null for a message from another tool. */
export interface OpenedEnvelope {
  origin: Buffer | null;
  messages: OpenedMessage[];
}

/** The origin of an envelope of ours, or null (another tool's message): cheap, to drop an echo before opening it. */
export function originOf(raw: Buffer): Buffer | null {
  return raw.length >= ENVELOPE_HEADER && raw.compare(MARK, 0, MARK.length, 0, MARK.length) === 0
    ? raw.subarray(MARK.length, ENVELOPE_HEADER) : null;
}

/**
 * Reads a message from the broker. A truncated or malformed envelope yields the messages before the fault;
 * a TEXT payload that is not UTF-8 goes as BINARY (a TEXT frame with bad UTF-8 would fail every client with 1007).
 */
export function openEnvelope(raw: Buffer): OpenedEnvelope {
  const origin = originOf(raw);
  if (origin === null) return { origin: null, messages: [{ opcode: isUtf8(raw) ? TEXT : BINARY, payload: raw }] };
  const messages: OpenedMessage[] = [];
  let at = ENVELOPE_HEADER;
  while (at + RECORD_HEADER <= raw.length) {
    const op = raw[at];
    const length = raw.readUInt32BE(at + 1);
    const start = at + RECORD_HEADER;
    if ((op !== TEXT && op !== BINARY) || start + length > raw.length) break;
    const payload = raw.subarray(start, start + length);
    messages.push({ opcode: op === TEXT && !isUtf8(payload) ? BINARY : op, payload });
    at = start + length;
  }
  return { origin, messages };
}
