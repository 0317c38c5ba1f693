import * as core from './scheduler';

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
  /** True while copas.loop() runs (Copas' `copas.running`). */
  get running(): boolean {
    return core.kernel.running;
  },
};

/** The type of the `copas` object. */
export type Copas = typeof copas;
