/**
 * Type-level checks, compiled by `npm run typecheck` (and by spec/types/teach.spec.ts, which also reads the
 * errors' text). Each `@ts-expect-error` line must fail to compile: if the mistake ever compiles, the unused
 * directive is itself an error. The lines without a directive must compile.
 */
import { copas, websocket, type ServerConnection, type WsReceiveResult } from '../../src';

export function* narrowing(ws: ServerConnection) {
  const [message, opcode] = yield* ws.receive();
  if (message === null) return;
  if (opcode === websocket.TEXT) {
    const text: string = message;
    text.toUpperCase();
    // @ts-expect-error a TEXT message is a string, not a Buffer
    message.readUInt8(0);
  } else {
    const bytes: Buffer = message;
    bytes.readUInt8(0);
    // @ts-expect-error a BINARY message is a Buffer, not a string
    message.toUpperCase();
  }
}

export function closeTuple(r: WsReceiveResult): number | null {
  if (r[0] !== null) return null;
  const [, opcode, wasClean, code] = r;
  const nothing: null = opcode;
  return wasClean && nothing === null ? code : null;
}

// @ts-expect-error yield without * (advice: write yield* op)
copas.addthread(function* () { yield copas.pause(1); });

// @ts-expect-error a Promise yielded (advice: yield* copas.await(promise))
copas.addthread(function* () { yield Promise.resolve(1); });

copas.addthread(function* () {
  yield* copas.pause(1);
  const n: number = yield* copas.await(Promise.resolve(1));
  return n;
});
