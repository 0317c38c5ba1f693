import { copas } from '../../src';
import type { TaskGenerator } from '../../src/scheduler';

/** Ends whatever a spec left behind and waits until the loop has stopped, so the next spec starts clean. */
export async function settle(): Promise<void> {
  copas.cancelall();
  while (copas.running) await new Promise<void>((r) => setImmediate(r));
}

/**
 * Runs `fn` as the task 'copas_initializer' (as Lua's copas.loop(fn)) until the loop ends. Errors in any task
 * (an `expect` failing inside a task) are collected by a default error handler and fail the spec.
 */
export async function runMain(fn: () => TaskGenerator<unknown>): Promise<void> {
  const errors: unknown[] = [];
  const prev = copas.geterrorhandler();
  copas.seterrorhandler((e) => { errors.push(e); }, true);
  let task;
  try {
    task = copas.addnamedthread('copas_initializer', fn);
    await copas.loop();
  } finally {
    copas.seterrorhandler(prev, true);
  }
  if (errors.length > 0) throw errors[0];
  expect(task.try()[0]).toBe(true);
}
