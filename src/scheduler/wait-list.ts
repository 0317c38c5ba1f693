// A cycle (kernel.ts keeps a WaitList of exit waiters): fine, the kernel is only used inside methods, and the
// kernel makes its list lazily, so neither module needs the other while it loads.
import { kernel } from './kernel';
import type { TaskGenerator, WaitLiveness } from './operation';
import { WaitOn } from './observer';
import type { Task } from './task';

/**
 * @internal One blocked task in a WaitList. Primitives that hand something over with the wake-up (a lock, a
 * semaphore's resources) extend it with what they need to know.
 */
export class WaitNode {
  prev: WaitNode | null = null;
  next: WaitNode | null = null;
  linked = false;
  /** Set by the waker when it handed the resource over (the task may still be removed before it runs). */
  granted = false;
  constructor(readonly task: Task) {}
}

/**
 * @internal The one way a task waits for another part of the program: a FIFO of blocked tasks. It is a doubly
 * linked list, so a waiter that times out or is removed leaves in O(1) and leaves no hole behind. Every waiter
 * leaves the list in a `finally` of its own wait, however the wait ends (woken, timed out, removed with
 * copas.removethread): a waker never finds a task that stopped waiting.
 */
export class WaitList<N extends WaitNode = WaitNode> {
  /**
   * `on` / `target`: what its waiters wait on (a lock, a queue, a socket's writes...), recorded in each
   * waiting task for copas.status(true) and the trace.
   */
  constructor(readonly on: WaitOn, readonly target: unknown) {}

  head: N | null = null;
  tail: N | null = null;
  length = 0;

  push(node: N): N {
    node.prev = this.tail;
    node.next = null;
    node.linked = true;
    if (this.tail === null) this.head = node; else this.tail.next = node;
    this.tail = node;
    this.length++;
    return node;
  }

  remove(node: N): boolean {
    if (!node.linked) return false;
    if (node.prev === null) this.head = node.next as N | null; else node.prev.next = node.next;
    if (node.next === null) this.tail = node.prev as N | null; else node.next.prev = node.prev;
    node.prev = node.next = null;
    node.linked = false;
    this.length--;
    return true;
  }

  shift(): N | null {
    const n = this.head;
    if (n !== null) this.remove(n);
    return n;
  }

  /** Empties the list and returns its nodes in order. */
  drain(): N[] {
    const out: N[] = [];
    for (let n = this.shift(); n !== null; n = this.shift()) out.push(n);
    return out;
  }

  /**
   * Suspends the running task in this list until a waker resumes it (gives the waker's value) or `timeout`
   * seconds pass (gives TIMED_OUT). `what` names the operation in the error raised outside a task.
   */
  *wait(this: WaitList<WaitNode>, what: string, timeout: number | undefined, liveness: WaitLiveness): TaskGenerator<unknown> {
    const node = this.push(new WaitNode(kernel.currentOrThrow(what)));
    try {
      return yield* kernel.wait(timeout, liveness, this.on, this.target);
    } finally {
      this.remove(node);
    }
  }

  /** Resumes every waiter with `value`, first in first out, and empties the list. */
  wakeAll(value?: unknown): void {
    for (let n = this.shift(); n !== null; n = this.shift()) kernel.resume(n.task, value);
  }
}

/** @internal the value a waker resumes a waiter with when the object was destroyed. */
export const DESTROYED: unique symbol = Symbol('copas.destroyed');
/** @internal the value a waker resumes a waiter with when it got what it waited for. */
export const GRANTED: unique symbol = Symbol('copas.granted');

/** The `[null, 'destroyed']` every method of a destroyed lock, semaphore or queue returns. */
export type Destroyed = [null, 'destroyed'];
