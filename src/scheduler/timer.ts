import { kernel } from './kernel';
import { gettime } from './clock';
import type { TaskGenerator } from './operation';
import { pause } from './sleep';
import type { ErrorHandler, Task } from './task';
import { callCallback, checkCallback } from './callbacks';
import { checkFunction, checkOptions, checkSeconds, checkString } from '../util/args';

/** A timer callback: `callback(timer, params)`, a plain function or a generator function (may `yield*`). */
export type TimerCallback<P> =
  | ((timer: Timer<P>, params: P) => void)
  | ((timer: Timer<P>, params: P) => Generator<unknown, unknown, unknown>);

/** Options of copas.timer.new (Copas' `opts` table). */
export interface TimerOptions<P = unknown> {
  /** Seconds between expiries (>= 0). */
  delay: number;
  /** Called on expiry as `callback(timer, params)`. */
  callback: TimerCallback<P>;
  /** Fire every `delay` seconds until cancelled (default: once). */
  recurring?: boolean;
  /** Handed to the callback. */
  params?: P;
  /** The first delay (default `delay`). */
  initial_delay?: number;
  /** The timer task's name (default `copas_timer_<n>`). */
  name?: string;
  /** Error handler of the timer task: gets the callback's errors; the timer keeps running. */
  errorhandler?: ErrorHandler;
}

let timerCount = 0;

/**
 * A one-shot or recurring timer (Copas 4.11's copas.timer). As in Copas each armed timer is a task of its own
 * (named after the timer) that pauses and then calls the callback; so the callback runs inside a task and may
 * be a generator function that blocks with `yield*`. An armed timer keeps copas.loop() alive. An error in the
 * callback goes to the timer's errorhandler (default: copas' default handler) and the timer goes on.
 *
 * Lua: `local t = copas.timer.new({ delay = 1, recurring = true, callback = function(t, p) ... end })`
 * TS:  `const t = copas.timer.new({ delay: 1, recurring: true, callback: (t, p) => { ... } })`
 */
export class Timer<P = unknown> {
  /** The name of the timer's task. */
  readonly name: string;
  /** Seconds between expiries. */
  delay: number;
  /** True when it re-arms itself after each expiry. */
  readonly recurring: boolean;
  /** Passed to the callback as its second argument. */
  readonly params: P;
  /** Takes the callback's errors (undefined: copas' default handler). */
  readonly errorhandler: ErrorHandler | undefined;
  /** True once cancelled (or a one-shot timer fired). */
  cancelled = false;
  /** The task that runs the timer while armed, else null. */
  co: Task | null = null;
  private readonly callback: TimerCallback<P>;

  /** @internal use copas.timer.new */
  constructor(opts: TimerOptions<P>, name: string) {
    this.name = name;
    this.delay = opts.delay;
    this.callback = opts.callback;
    this.recurring = !!opts.recurring;
    this.params = opts.params as P;
    this.errorhandler = opts.errorhandler;
  }

  /**
   * Arms the timer: the callback runs after `initial_delay` seconds (default: the timer's delay). Returns
   * `[timer]`, or `[null, 'already armed']`. A one-shot timer may re-arm itself from its callback.
   *
   * Lua: `local ok, err = t:arm(3)`  ->  TS: `const [ok, err] = t.arm(3)`
   */
  arm(initial_delay?: number): [Timer<P>] | [null, 'already armed'] {
    const first = checkSeconds('timer.arm', 'initial_delay', initial_delay);
    if (this.co !== null) return [null, 'already armed'];
    this.cancelled = false;
    // The deadline counts from this call, not from the task's first step (an expensive step in between,
    // such as another task's error with its stack formatted, must not delay it).
    this.co = kernel.spawn(this.name, expire, [this as Timer<unknown>, gettime() + (first ?? this.delay)]);
    return [this];
  }

  /**
   * Cancels an armed timer: its task is removed at once (a generator callback that is blocked is ended, its
   * finally blocks run). Returns `[timer]`, or `[null, 'not armed']`.
   *
   * Lua: `t:cancel()`  ->  TS: `t.cancel()`
   */
  cancel(): [Timer<P>] | [null, 'not armed' | 'already cancelled'] {
    const co = this.co;
    if (co === null) return [null, 'not armed'];
    if (this.cancelled) return [null, 'already cancelled'];
    this.cancelled = true;
    this.co = null;
    kernel.removethread(co);
    return [this];
  }

  /** @internal calls the callback; its errors go to the timer task's error handler. */
  *run(task: Task): TaskGenerator<void> {
    try {
      yield* callCallback(this.callback, [this, this.params]);
    } catch (err) {
      kernel.reportError(err, task, undefined);
    }
  }
}

/** The body of an armed timer's task (Copas' expire_func). */
function* expire(self: Timer<unknown>, firstAt: number): TaskGenerator<void> {
  const task = kernel.currentOrThrow('timer');
  if (self.errorhandler !== undefined) task.errorHandler = self.errorhandler;
  yield* pause(Math.max(0, firstAt - gettime()));
  for (;;) {
    if (!self.cancelled) {
      if (!self.recurring) {
        self.cancelled = true;
        self.co = null; // so the callback may re-arm it
        yield* self.run(task);
        return;
      }
      yield* self.run(task);
    }
    if (self.cancelled) {
      if (self.co === task) self.co = null;
      return;
    }
    yield* pause(self.delay);
  }
}

/**
 * Creates a timer and arms it. Throws on bad options (a negative delay, a callback that is not a function).
 *
 * Lua: `copas.timer.new({ delay = 0.5, callback = cb, params = p })`
 * TS:  `copas.timer.new({ delay: 0.5, callback: cb, params: p })`
 */
function newTimer<P = unknown>(opts: TimerOptions<P>): Timer<P> {
  const o = checkOptions('timer.new', 'opts', opts, ['delay', 'callback', 'recurring', 'params', 'initial_delay', 'name', 'errorhandler']);
  if (opts === undefined || opts === null) checkSeconds('timer.new', 'opts.delay', undefined, false);
  checkSeconds('timer.new', 'opts.delay', o.delay, false);
  checkCallback('timer.new', 'opts.callback', o.callback);
  checkSeconds('timer.new', 'opts.initial_delay', o.initial_delay);
  const name = checkString('timer.new', 'opts.name', o.name, true) ?? `copas_timer_${++timerCount}`;
  checkFunction('timer.new', 'opts.errorhandler', o.errorhandler, true);
  const t = new Timer<P>(opts, name);
  t.arm(opts.initial_delay);
  return t;
}

/**
 * copas.timer: one-shot and recurring timers.
 *
 * Lua: `local timer = require 'copas.timer'`  ->  TS: `const { timer } = copas`
 */
export const timer = {
  /** Creates and arms a timer: `timer.new({ delay, callback, recurring?, params?, initial_delay?, name?, errorhandler? })`. */
  new: newTimer,
};
