import * as core from './scheduler';
import { copasSockets as sk } from './socket';
import { socketConfig } from './socket/copas-sockets';
import { timer } from './scheduler/timer';
import { lock } from './scheduler/lock';
import { semaphore } from './scheduler/semaphore';
import { queue } from './scheduler/queue';
import { future } from './scheduler/future';
import { trace } from './scheduler/trace';
import { inspect } from './inspector/inspect';
import { http } from './socket/http';

const fields = {
  /** Starts a task; it first runs on the next step. Lua: `copas.addthread(f, ...)`  ->  TS: `copas.addthread(function* (...) { ... }, ...)` */
  addthread: core.addthread,
  /** Starts a named task. Lua: `copas.addnamedthread('worker', f)`  ->  TS: `copas.addnamedthread('worker', function* () { ... })` */
  addnamedthread: core.addnamedthread,
  /** Ends a task with `return()`, so its `finally` blocks run. Lua: `copas.removethread(co)`  ->  TS: `copas.removethread(task)` */
  removethread: core.removethread,
  /** The running task, or null. Lua: `coroutine.running()`  ->  TS: `copas.current()` */
  current: core.current,
  /** Runs the dispatcher until nothing is left; returns a Promise. Lua: `copas.loop()`  ->  TS: `copas.loop()` */
  loop: core.loop,
  /** Runs one step by hand (expired sleepers wake, ready tasks run once); with a timeout it first waits for I/O (a Promise). Lua: `copas.step(0.5)`  ->  TS: `await copas.step(0.5)` */
  step: core.step,
  /** True when nothing is left to run or wait for. Lua: `copas.finished()` */
  finished: core.finished,
  /** Signals tasks to exit. Lua: `copas.exit()` */
  exit: core.exit,
  /** True after copas.exit(). Lua: `copas.exiting()` */
  exiting: core.exiting,
  /** Suspends the task until copas.exit(). Lua: `copas.waitforexit()`  ->  TS: `yield* copas.waitforexit()` */
  waitforexit: core.waitforexit,
  /** Ends every task, timer and server (finally blocks run). For teardown. */
  cancelall: core.cancelall,
  /** Sleeps `t` seconds, returns the seconds slept. Lua: `copas.pause(1)`  ->  TS: `yield* copas.pause(1)` */
  pause: core.pause,
  /** Sleeps until copas.wakeup(task). Lua: `copas.pauseforever()`  ->  TS: `yield* copas.pauseforever()` */
  pauseforever: core.pauseforever,
  /** Sleeps `t` seconds (0: next step; < 0: until wakeup). Lua: `copas.sleep(t)`  ->  TS: `yield* copas.sleep(t)` */
  sleep: core.sleep,
  /** Makes a sleeping task ready. Lua: `copas.wakeup(co)`  ->  TS: `copas.wakeup(task)` */
  wakeup: core.wakeup,
  /** Seconds (float) on copas' clock. Lua: `copas.gettime()` */
  gettime: core.gettime,
  /** Sets the running task's error handler, or the default one. Lua: `copas.seterrorhandler(fn, true)` */
  seterrorhandler: core.seterrorhandler,
  /** The error handler of a task (default: the running one). Lua: `copas.geterrorhandler(co)` */
  geterrorhandler: core.geterrorhandler,
  /** The default handler's message for an error: text, task name, socket name and stack. Lua: `copas.gettraceback(msg, co, skt)` */
  gettraceback: core.gettraceback,
  /** Names a task (default: the running one). Lua: `copas.setthreadname(name, co)` */
  setthreadname: core.setthreadname,
  /** A task's name. Lua: `copas.getthreadname(co)` */
  getthreadname: core.getthreadname,
  /** Counts of the dispatcher's queues and, once `status(true)` turned them on, Copas' step statistics. Lua: `copas.status(true)` */
  status: core.status,
  /** copas.debug: `start(logger?, core?)` prints Copas' lines for each resume, yield and exit, `stop()`, `socket(skt)` prints a socket's calls. Lua: `copas.debug.start()` */
  debug: core.debug,
  /** copas.trace: `start(options?)` / `stop()`, a timeline in the Chrome Trace Event Format (no Lua twin). */
  trace,
  /** copas.inspect({ port }): a live page of the scheduler with step mode (no Lua twin). */
  inspect,
  /** Sets the running task's timeout: after `delay` seconds `cb(task)` runs (0 cancels). Lua: `copas.timeout(5, cb)` */
  timeout: core.timeout,
  gettimeouts: core.gettimeouts,
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
  /** copas.http: LuaSocket's http.request on copas sockets (both forms, redirects, https, timeouts). */
  http,
  /** Serves a listening socket: a task per client runs `handler(skt)`. Lua: `copas.addserver(server, function(skt) ... end)`  ->  TS: `copas.addserver(server, function* (skt) { ... })` */
  addserver: sk.addserver,
  /** Stops serving a socket (closes it unless `keep_open`). Lua: `copas.removeserver(server)` */
  removeserver: sk.removeserver,
  /** Wraps a LuaSocket-style socket so its calls are operations. Lua: `copas.wrap(socket.tcp(), tls)`  ->  TS: `copas.wrap(socket.tcp(), tls)` */
  wrap: sk.wrap,
  /** Wraps a connection handler so it gets a wrapped socket (TLS with params). Lua: `copas.handler(fn, tls)` */
  handler: sk.handler,
  /** Connects a socket. Lua: `copas.connect(skt, host, port)`  ->  TS: `yield* copas.connect(skt, host, port)` */
  connect: sk.connect,
  /** Sends on a socket. Lua: `copas.send(skt, data)`  ->  TS: `yield* copas.send(skt, data)` */
  send: sk.send,
  /** Receives from a socket. Lua: `copas.receive(skt, '*l')`  ->  TS: `yield* copas.receive(skt, '*l')` */
  receive: sk.receive,
  /** Receives what has arrived, up to `n` bytes. Lua: `copas.receivepartial(skt, n)`  ->  TS: `yield* copas.receivepartial(skt, n)` */
  receivepartial: sk.receivepartial,
  /** Receives a UDP datagram. Lua: `copas.receivefrom(udp)`  ->  TS: `yield* copas.receivefrom(udp)` */
  receivefrom: sk.receivefrom,
  /** Sends a UDP datagram. Lua: `copas.sendto(udp, data, ip, port)`  ->  TS: `yield* copas.sendto(udp, data, ip, port)` */
  sendto: sk.sendto,
  /** Upgrades a socket to TLS. Lua: `copas.dohandshake(skt, params)`  ->  TS: `yield* copas.dohandshake(skt, params)` */
  dohandshake: sk.dohandshake,
  /** Closes a socket. Lua: `copas.close(skt)` */
  close: sk.close,
  /** Sets a socket's timeout in seconds. Lua: `copas.settimeout(skt, 5)` */
  settimeout: sk.settimeout,
  /** Sets a socket's connect, send and read timeouts. Lua: `copas.settimeouts(skt, c, s, r)` */
  settimeouts: sk.settimeouts,
  /** The running task's socket timeouts return the socket's own text ('wantread', ...), not 'timeout'. Lua: `copas.useSocketTimeoutErrors(true)` */
  useSocketTimeoutErrors: sk.useSocketTimeoutErrors,
  /** Names a socket (for error messages). Lua: `copas.setsocketname(name, skt)` */
  setsocketname: sk.setsocketname,
  /** A socket's name. Lua: `copas.getsocketname(skt)` */
  getsocketname: sk.getsocketname,
  /** Close a client socket when its handler task ends (default true). */
  get autoclose(): boolean {
    return socketConfig.autoclose;
  },
  /** Sets whether a client socket closes when its handler task ends. */
  set autoclose(value: boolean) {
    socketConfig.autoclose = Boolean(value);
  },
  /** True while copas.loop() runs (Copas' `copas.running`). */
  get running(): boolean {
    return core.kernel.running;
  },
};

/** Calling the copas object runs the loop, as Copas' `__call` does: `copas(fn)` is `copas.loop(fn)`. */
const call: CopasCall = (initializer, timeout) => core.loop(initializer, timeout);

/** The call signature of the `copas` object: `copas(init?, timeout?)` is `copas.loop(init?, timeout?)`. */
export type CopasCall = (initializer?: core.TaskFunction<[], unknown> | number, timeout?: number) => Promise<void>;

/** The functions and submodules of the `copas` object (its properties; see `copas`). */
export type CopasFunctions = typeof fields;

/**
 * The `copas` object: Copas 4.11's API with Lua's names. Blocking functions are generator operations
 * (use `yield*`), the rest are plain calls. It is also callable, as Copas' module table is: `copas(fn)`.
 *
 * Lua: `local copas = require 'copas'`  ->  TS: `import { copas } from 'copas-ts'`
 * Lua: `copas(function() ... end)`      ->  TS: `copas(function* () { ... })`
 */
export const copas: CopasCall & CopasFunctions = Object.defineProperties(call, Object.getOwnPropertyDescriptors(fields)) as CopasCall & CopasFunctions;

/** The type of the `copas` object. */
export type Copas = typeof copas;
