import * as core from './scheduler';
import { copasSockets as sk } from './socket';
import { socketConfig } from './socket/copas-sockets';
import { timer } from './scheduler/timer';
import { lock } from './scheduler/lock';
import { semaphore } from './scheduler/semaphore';
import { queue } from './scheduler/queue';
import { future } from './scheduler/future';

/**
 * The `copas` object: Copas 4.11's API with Lua's names. Blocking functions are generator operations
 * (use `yield*`), the rest are plain calls.
 *
 * Lua: `local copas = require 'copas'`  ->  TS: `import { copas } from 'copas-ts'`
 */
export const copas = {
  addthread: core.addthread,
  addnamedthread: core.addnamedthread,
  removethread: core.removethread,
  current: core.current,
  loop: core.loop,
  step: core.step,
  finished: core.finished,
  exit: core.exit,
  exiting: core.exiting,
  waitforexit: core.waitforexit,
  cancelall: core.cancelall,
  pause: core.pause,
  pauseforever: core.pauseforever,
  sleep: core.sleep,
  wakeup: core.wakeup,
  gettime: core.gettime,
  seterrorhandler: core.seterrorhandler,
  geterrorhandler: core.geterrorhandler,
  gettraceback: core.gettraceback,
  setthreadname: core.setthreadname,
  getthreadname: core.getthreadname,
  status: core.status,
  debug: core.debug,
  timeout: core.timeout,
  /** Node addition: wait for a Promise inside a task. */
  await: core.awaitPromise,
  /** Node addition: run a task from async code and get a Promise of its result. */
  run: core.run,
  /** copas.timer: `timer.new({ delay, callback, ... })`, arm, cancel. */
  timer,
  /** copas.lock: `lock.new(timeout?, not_reentrant?)`, get, release, destroy. */
  lock,
  /** copas.semaphore: `semaphore.new(max, start?, timeout?)`, take, give, get_count, get_wait, destroy. */
  semaphore,
  /** copas.queue: `queue.new({ name? })`, push, pop, get_size, stop, finish, destroy, add_worker, get_workers. */
  queue,
  /** copas.future: SUCCESS / PENDING / ERROR, addthread, addnamedthread (tasks are futures). */
  future,
  addserver: sk.addserver,
  removeserver: sk.removeserver,
  wrap: sk.wrap,
  handler: sk.handler,
  connect: sk.connect,
  send: sk.send,
  receive: sk.receive,
  receivepartial: sk.receivepartial,
  receivefrom: sk.receivefrom,
  sendto: sk.sendto,
  dohandshake: sk.dohandshake,
  close: sk.close,
  settimeout: sk.settimeout,
  settimeouts: sk.settimeouts,
  setsocketname: sk.setsocketname,
  getsocketname: sk.getsocketname,
  /** Close a client socket when its handler task ends (default true). */
  get autoclose(): boolean {
    return socketConfig.autoclose;
  },
  set autoclose(value: boolean) {
    socketConfig.autoclose = Boolean(value);
  },
  /** True while copas.loop() runs (Copas' `copas.running`). */
  get running(): boolean {
    return core.kernel.running;
  },
};

/** The type of the `copas` object. */
export type Copas = typeof copas;
