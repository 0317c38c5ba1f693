/** The envelope format between processes, sans I/O: batches in order, echoes recognisable, foreign and broken input. */
import { EnvelopeBuilder, ENVELOPE_HEADER, newOrigin, openEnvelope, originOf } from '../../src/websocket/pubsub/envelope';

const TEXT = 1;
const BINARY = 2;

describe('envelope', () => {
  it('carries a batch of messages of both kinds in order, with its origin', () => {
    const origin = newOrigin();
    const b = new EnvelopeBuilder(origin);
    b.add(TEXT, Buffer.from('héllo'));
    b.add(BINARY, Buffer.from([0, 255, 7]));
    b.add(TEXT, Buffer.alloc(0));
    expect(b.count).toBe(3);
    const raw = b.seal();
    expect(raw.length).toBe(b.size);
    expect(originOf(raw)?.equals(origin)).toBe(true);
    const opened = openEnvelope(raw);
    expect(opened.origin?.equals(origin)).toBe(true);
    expect(opened.messages).toEqual([
      { opcode: TEXT, payload: Buffer.from('héllo') },
      { opcode: BINARY, payload: Buffer.from([0, 255, 7]) },
      { opcode: TEXT, payload: Buffer.alloc(0) },
    ]);
    expect(newOrigin().equals(origin)).toBe(false);
  });

  it('a message from another tool is one message: TEXT if UTF-8, else BINARY', () => {
    expect(originOf(Buffer.from('hi'))).toBeNull();
    expect(openEnvelope(Buffer.from('hello from redis-cli'))).toEqual({ origin: null, messages: [{ opcode: TEXT, payload: Buffer.from('hello from redis-cli') }] });
    expect(openEnvelope(Buffer.from([0xc3, 0x28]))).toEqual({ origin: null, messages: [{ opcode: BINARY, payload: Buffer.from([0xc3, 0x28]) }] });
  });

  it('a broken envelope gives the messages before the fault; forged TEXT that is not UTF-8 goes as BINARY', () => {
    const b = new EnvelopeBuilder(newOrigin());
    b.add(TEXT, Buffer.from('one'));
    b.add(TEXT, Buffer.from('two'));
    const raw = b.seal();
    expect(openEnvelope(raw.subarray(0, raw.length - 1)).messages).toEqual([{ opcode: TEXT, payload: Buffer.from('one') }]);
    const bad = Buffer.from(raw);
    bad[ENVELOPE_HEADER] = 9; // not a data opcode
    expect(openEnvelope(bad).messages).toEqual([]);
    const forged = new EnvelopeBuilder(newOrigin());
    forged.add(TEXT, Buffer.from([0xff, 0xfe]));
    expect(openEnvelope(forged.seal()).messages).toEqual([{ opcode: BINARY, payload: Buffer.from([0xff, 0xfe]) }]);
  });
});
