import { copas } from '../../src';
import { settle } from './helpers';

afterEach(settle);

describe('the loop ends when nothing is left (tests/exit.lua, tests/exittest.lua)', () => {
  it('counts to 5 with pause(), then the loop exits', async () => {
    const seen: number[] = [];
    copas.addthread(function* () { for (let i = 1; i <= 5; i++) { yield* copas.pause(); seen.push(i); } });
    await copas.loop();
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('1) a task finishing before the loop really started', async () => {
    let ran = 0;
    copas.addthread(function* () { ran = 1; });
    await copas.loop();
    expect(ran).toBe(1);
  });

  it('2) a task finishing within the loop', async () => {
    let ran = 0;
    copas.addthread(function* () { yield* copas.pause(0.02); yield* copas.pause(0.02); ran = 2; });
    await copas.loop();
    expect(ran).toBe(2);
  });

  it('3) and 4) a task failing before and within the loop', async () => {
    const errs: string[] = [];
    copas.seterrorhandler((e) => { errs.push((e as Error).message); }, true);
    copas.addthread(function* () { throw new Error('error on purpose 3'); });
    await copas.loop();
    copas.addthread(function* () { yield* copas.pause(0.02); yield* copas.pause(0.02); throw new Error('error on purpose 4'); });
    await copas.loop();
    expect(errs).toEqual(['error on purpose 3', 'error on purpose 4']);
  });

  it('5) and 6) a task sleeping forever, before and within the loop, does not keep it alive', async () => {
    let ran = 0;
    const t5 = copas.addthread(function* () { ran = 5; yield* copas.pauseforever(); });
    await copas.loop();
    expect(ran).toBe(5);
    const t6 = copas.addthread(function* () { yield* copas.pause(0.02); yield* copas.pause(0.02); ran = 6; yield* copas.pauseforever(); });
    await copas.loop();
    expect(ran).toBe(6);
    expect([t5.dead, t6.dead]).toEqual([false, false]); // still suspended, until removed
    copas.removethread(t5);
    copas.removethread(t6);
  });

  it('7) waitforexit returns when the loop runs out of work (no explicit exit)', async () => {
    let ran = 0;
    copas.addthread(function* () {
      copas.addthread(function* () { yield* copas.waitforexit(); ran = 7; });
    });
    await copas.loop();
    expect(ran).toBe(7);
  });

  it('8) copas.exit() wakes waitforexit; tasks scheduled while exiting still run', async () => {
    let ran = 0;
    copas.addthread(function* () {
      copas.addthread(function* () {
        for (;;) {
          yield* copas.pause(0.02);
          ran++;
          if (ran === 3) { expect(copas.exiting()).toBe(false); copas.exit(); break; }
        }
      });
      copas.addthread(function* () {
        yield* copas.waitforexit();
        expect(copas.exiting()).toBe(true);
        ran++;
        copas.addthread(function* () { yield* copas.pause(0.05); ran++; });
      });
    });
    await copas.loop();
    expect(ran).toBe(5);
  });

  it('copas.finished() and copas.running', async () => {
    expect(copas.running).toBe(false);
    let inside: boolean | undefined;
    copas.addthread(function* () { inside = copas.running; yield* copas.pause(0.01); });
    expect(copas.finished()).toBe(false);
    await copas.loop();
    expect(inside).toBe(true);
    expect(copas.finished()).toBe(true);
  });
});
