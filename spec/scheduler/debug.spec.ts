/**
 * copas.debug beyond the parity scripts (spec/copas-parity/debug_output, debug_socket): the core timer's
 * lines, the logger's pieces, the zero cost when off, argument checks.
 */
import { copas } from '../../src';
import type { TaskGenerator } from '../../src/scheduler';
import { kernel } from '../../src/scheduler/kernel';
import { runMain, settle } from './helpers';

afterEach(async () => {
  copas.debug.stop();
  await settle();
});

function* timedOut(): TaskGenerator<void> {
  copas.timeout(0.02, () => { /* fires on the loop */ });
  yield* copas.pause(0.05);
}

it("prints the core timer's lines only with core = true, when callback timers fire", async () => {
  const plain: string[] = [];
  copas.debug.start((...parts) => plain.push(parts.join('')));
  await runMain(timedOut);
  expect(plain.some((l) => l.includes('copas_core_timer'))).toBe(false);
  expect(plain).toContain("yielding 'copas_initializer' to SLEEP for 0.05 seconds");

  const core: string[] = [];
  copas.debug.start((...parts) => core.push(parts.join('')), true);
  await runMain(timedOut);
  const i = core.indexOf("resuming 'copas_core_timer'");
  expect(i).toBeGreaterThanOrEqual(0);
  expect(core[i + 1]).toMatch(/^yielding 'copas_core_timer' to SLEEP for (-1|[\d.e-]+) seconds$/);
});

it('gives a custom logger the pieces of each line, numbers as numbers', async () => {
  const calls: unknown[][] = [];
  copas.debug.start((...parts) => calls.push(parts));
  await runMain(function* () { yield* copas.pause(0.01); });
  expect(calls).toContainEqual(["yielding '", 'copas_initializer', "' to SLEEP for ", 0.01, ' seconds']);
  expect(calls).toContainEqual(["exiting '", 'copas_initializer', "'"]);
});

it('costs nothing when off: the kernel has no observer, and stop() removes it', () => {
  expect(kernel.observer).toBeNull();
  copas.debug.start(() => undefined);
  expect(kernel.observer).not.toBeNull();
  copas.debug.stop();
  expect(kernel.observer).toBeNull();
});

it('checks its arguments', () => {
  expect(() => copas.debug.start('log' as never)).toThrow("copas.debug.start: argument 'logger' must be a function or nothing");
  expect(() => copas.debug.start(undefined, 1 as never)).toThrow("copas.debug.start: argument 'core' must be a boolean or nothing");
  expect(() => copas.debug.socket(3 as never)).toThrow("copas.debug.socket: argument 'skt' must be a socket");
  expect(() => copas.status('on' as never)).toThrow("copas.status: argument 'stats' must be a boolean or nothing");
});
