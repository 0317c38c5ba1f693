/**
 * The channel between the thread that calls a sync client and the worker that runs it (sync-client.ts,
 * sync-worker.ts): how a call gets to the worker and its reply back, and how each side waits for the other.
 *
 * Both threads share one SharedArrayBuffer: signal words, a request slot and a reply area. A call and its
 * result tuple travel there when they are flat and fit (sync-tuples.ts): no structured clone, no port message.
 * The rest goes through the MessagePort: what is not flat (options, headers, errors), tuples too big for an
 * area (a 16 MiB message), and the requests that get no reply ('new', 'drop').
 *
 * Waking a sleeping thread costs more than a small call's work (a futex or epoll wake-up takes 20-100 us on a
 * 2-core VM), and a round trip would have four. So the caller polls a moment for the reply before it sleeps,
 * and the worker, once idle after a reply, polls a moment for the next call, which then needs no port message
 * to wake it. Both only while polling pays (PollPolicy): on a busy machine a poll keeps a core from the very
 * threads it waits for. Measured with bench/sync-client.ts (npm run bench:sync).
 */
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { WebSocketState } from '../connection';
import { asBuffers, readTuple, transferables, writeTuple } from './sync-tuples';

/** What the caller asks the worker. Calls have an id > 0 and get one reply; id 0 gets none. */
export interface SyncRequest {
  id: number;
  op: 'new' | 'connect' | 'send' | 'receive' | 'close' | 'ping' | 'status' | 'drop';
  client: number;
  args: unknown[];
}

/** The worker's answer to call `id`: its result tuple or the error it threw. id -1: the worker died. */
export interface SyncReply {
  id: number;
  result?: unknown[];
  error?: { name: string; message: string; stack?: string };
  state?: WebSocketState;
}

// ---- the shared memory: signal words (Int32 indices), then the request and the reply area -----------------

/** Bumped by the worker after each reply and at its death; the caller sleeps on it. */
export const SEQ = 0;
/** 1 once the worker died. (The worker's start-up stub in sync-client.ts also writes SEQ and DEAD.) */
export const DEAD = 1;
/** 1 once the worker serves requests. */
export const READY = 2;
/** Bumped by the caller for each request, in the slot or on the port. */
const REQ = 3;
/** 1 from a reply until the worker's next look at REQ: a call put in the slot meanwhile needs no doorbell. */
const LOOKING = 4;
/** The request slot: FREE, FULL (written by the caller) or TAKEN (being read by the worker). */
const SLOT = 5;
const REQ_ID = 6;
const REQ_CLIENT = 7;
const REQ_OP = 8;
/** The call the caller waits for: the worker drops the replies of calls given up on. */
const AWAITED = 9;
/** The call whose reply is in the reply area, and the client state it carries. */
const REPLY_ID = 10;
const REPLY_STATE = 11;

const FREE = 0;
const FULL = 1;
const TAKEN = 2;

const HEADER_BYTES = 64;
/** Bytes of the request area and of the reply area; a bigger tuple goes through the port. */
const AREA_BYTES = 1 << 20;
const REQUEST_AREA = HEADER_BYTES;
const REPLY_AREA = HEADER_BYTES + AREA_BYTES;

/** The calls that may travel in the slot, and the states a reply there may carry (indices in the words). */
const SLOT_OPS: ReadonlyArray<SyncRequest['op']> = ['connect', 'send', 'receive', 'close', 'ping'];
const STATES: readonly WebSocketState[] = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'];

/**
 * How long the caller polls for a reply before it sleeps (ms). A sleep costs the caller's wake-up and, since a
 * caller that slept is slow to call again, often the worker's wake-up for the next call: together about this
 * long here, so a poll that runs out costs CPU rather than time. It covers small calls and most 64 KiB echoes
 * in bench/sync-client.ts (0.03 ms misses most 16 B sends, 0.1 ms most 64 KiB ones).
 */
const REPLY_POLL_MS = 0.2;
/**
 * How long the worker, idle after a reply, polls for the next call (ms): the caller's turn-around between two
 * calls, or its wake-up when it slept.
 */
const NEXT_CALL_POLL_MS = 0.1;

/** The port message that only says "a request is in the slot". */
const DOORBELL = null;

/** A port message to the worker: a request (its byte strings as Buffers) for `handle`, or a doorbell. */
function received(m: SyncRequest | typeof DOORBELL, handle: (req: SyncRequest) => void): void {
  if (m === DOORBELL) return;
  asBuffers(m.args);
  handle(m);
}

/** Polls `done` for up to `ms`; returns whether it came true. */
function pollFor(ms: number, done: () => boolean): boolean {
  const end = performance.now() + ms;
  while (!done()) {
    if (performance.now() >= end) return false;
  }
  return true;
}

/**
 * Polls are due while at least this share of the recent ones saw their event; a probe that sees its event
 * resumes them as if this share had (a few misses in a row end them again).
 */
const THRESHOLD = 0.5;
const RESUMED = 0.75;

/**
 * Whether to poll before sleeping. Polling pays while what it waits for comes within the poll; when most polls
 * run out (a busy machine, where a poll keeps a core from the threads it waits for; a receive that waits for
 * the peer), only every 16th wait polls, to notice when it pays again, and one such poll that sees its event
 * is enough to resume. (A threshold of 3/4 flapped on 64 KiB echoes, which miss a 0.2 ms poll 1 time in 10.)
 */
class PollPolicy {
  /** Share of recent polls that saw their event, each poll weighing 1/16. */
  private rate = 1;
  private skipped = 0;

  due(): boolean {
    return this.rate >= THRESHOLD || ++this.skipped % 16 === 0;
  }

  record(hit: boolean): void {
    this.rate = hit && this.rate < THRESHOLD ? RESUMED : this.rate + ((hit ? 1 : 0) - this.rate) / 16;
  }
}

/**
 * One end of the channel (the caller's or the worker's, over the same memory): the caller uses request,
 * retract, takeReply and waitReply; the worker listen, reply and lookAgain.
 */
export class SyncChannel {
  readonly signal: Int32Array;
  private readonly mem: Buffer;
  /** Caller: a policy per kind of call (index in SLOT_OPS): a send's reply comes soon, a receive's maybe not. */
  private readonly polls = SLOT_OPS.map(() => new PollPolicy());
  /** Worker: REQ when it last served requests; whether it replied since; whether to poll for the next call. */
  private seenReq = 0;
  private repliedSince = false;
  private readonly nextCallPolls = new PollPolicy();

  constructor(readonly memory: SharedArrayBuffer, readonly port: MessagePort) {
    this.signal = new Int32Array(memory, 0, HEADER_BYTES / 4);
    this.mem = Buffer.from(memory);
  }

  static sharedMemory(): SharedArrayBuffer {
    return new SharedArrayBuffer(HEADER_BYTES + 2 * AREA_BYTES);
  }

  // ---- the calling thread -----------------------------------------------------------------------------

  /** Sends a request: a call in the slot when it can, anything else on the port. */
  request(req: SyncRequest): void {
    const s = this.signal;
    const op = SLOT_OPS.indexOf(req.op);
    if (req.id > 0) Atomics.store(s, AWAITED, req.id);
    // the slot is only busy when the worker is still reading a call given up on: then take the port
    const inSlot = req.id > 0 && op >= 0 && Atomics.load(s, SLOT) === FREE
      && writeTuple(this.mem, REQUEST_AREA, REQUEST_AREA + AREA_BYTES, req.args);
    if (inSlot) {
      Atomics.store(s, REQ_ID, req.id);
      Atomics.store(s, REQ_CLIENT, req.client);
      Atomics.store(s, REQ_OP, op);
      Atomics.store(s, SLOT, FULL);
    } else {
      this.port.postMessage(req, transferables(req.args));
    }
    Atomics.add(s, REQ, 1);
    // a port message wakes the worker by itself; the slot needs a doorbell unless the worker will look
    // (it clears LOOKING before it looks at REQ, so one of the two sides always sees the other's write)
    if (inSlot && Atomics.load(s, LOOKING) === 0) this.port.postMessage(DOORBELL);
  }

  /** Takes back the call in the slot, given up on, unless the worker has started on it. */
  retract(): void {
    Atomics.compareExchange(this.signal, SLOT, FULL, FREE);
  }

  /** The reply to call `id` if it came, or the worker's death notice (id -1); other replies are stale. */
  takeReply(id: number): SyncReply | undefined {
    const s = this.signal;
    if (Atomics.load(s, REPLY_ID) === id) {
      return { id, result: readTuple(this.mem, REPLY_AREA), state: STATES[Atomics.load(s, REPLY_STATE)] };
    }
    for (let m = receiveMessageOnPort(this.port); m !== undefined; m = receiveMessageOnPort(this.port)) {
      const r = m.message as SyncReply;
      if (r.id === id || r.id === -1) {
        if (r.result !== undefined) asBuffers(r.result);
        return r;
      }
    }
    return undefined;
  }

  /** Blocks until SEQ moves from `seen` or `ms` pass; polls first while that pays for calls like `op`. */
  waitReply(op: SyncRequest['op'], seen: number, ms: number): void {
    const s = this.signal;
    const policy = this.polls[SLOT_OPS.indexOf(op)];
    if (policy?.due() === true) {
      const came = pollFor(Math.min(ms, REPLY_POLL_MS), () => Atomics.load(s, SEQ) !== seen);
      policy.record(came);
      if (came) return;
    }
    Atomics.wait(s, SEQ, seen, ms);
  }

  // ---- the worker -------------------------------------------------------------------------------------

  /** Worker: hands every request to `handle`, in the order they were sent. */
  listen(handle: (req: SyncRequest) => void): void {
    this.port.on('message', (m: SyncRequest | typeof DOORBELL) => {
      received(m, handle);
      this.serve(handle);
    });
  }

  /**
   * Worker: sends the reply to a call (dropped if the caller gave up on it) and wakes the caller. The caller
   * often calls again within microseconds: until lookAgain() runs, it need not wake this thread for that.
   */
  reply(r: SyncReply): void {
    const s = this.signal;
    if (r.id !== Atomics.load(s, AWAITED)) return;
    const state = r.state === undefined ? -1 : STATES.indexOf(r.state);
    if (r.result !== undefined && state >= 0 && writeTuple(this.mem, REPLY_AREA, REPLY_AREA + AREA_BYTES, r.result)) {
      Atomics.store(s, REPLY_STATE, state);
      Atomics.store(s, REPLY_ID, r.id);
    } else {
      this.port.postMessage(r, r.result === undefined ? [] : transferables(r.result));
    }
    Atomics.store(s, LOOKING, 1);
    this.repliedSince = true;
    Atomics.add(s, SEQ, 1);
    Atomics.notify(s, SEQ);
  }

  /**
   * Worker: the look at REQ that reply() promised, to run once this thread is idle after a reply. Unless a
   * request came in meanwhile (its task is queued), polls for the caller's next call a moment first: cheaper
   * than sleeping and being woken by a doorbell.
   */
  lookAgain(handle: (req: SyncRequest) => void): void {
    const s = this.signal;
    if (this.repliedSince && Atomics.load(s, REQ) === this.seenReq && this.nextCallPolls.due()) {
      this.nextCallPolls.record(pollFor(NEXT_CALL_POLL_MS, () => Atomics.load(s, REQ) !== this.seenReq));
    }
    Atomics.store(s, LOOKING, 0);
    if (Atomics.load(s, REQ) !== this.seenReq) this.serve(handle);
  }

  /** Handles the waiting requests: the port's first (a call in the slot is always the last one sent). */
  private serve(handle: (req: SyncRequest) => void): void {
    const s = this.signal;
    this.seenReq = Atomics.load(s, REQ);
    this.repliedSince = false;
    for (let m = receiveMessageOnPort(this.port); m !== undefined; m = receiveMessageOnPort(this.port)) {
      received(m.message as SyncRequest | typeof DOORBELL, handle);
    }
    if (Atomics.compareExchange(s, SLOT, FULL, TAKEN) === FULL) {
      const req: SyncRequest = {
        id: Atomics.load(s, REQ_ID),
        op: SLOT_OPS[Atomics.load(s, REQ_OP)],
        client: Atomics.load(s, REQ_CLIENT),
        args: readTuple(this.mem, REQUEST_AREA),
      };
      Atomics.store(s, SLOT, FREE);
      handle(req);
    }
  }
}
