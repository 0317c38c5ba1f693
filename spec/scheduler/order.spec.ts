import { copas } from '../../src';

describe('scheduler order (Copas 4.11 reference program)', () => {
  it('prints A1 B1 C S1 P1 A2 B2 A3 B3, then W wakes S and P, then S2 and P2', async () => {
    const log: string[] = [];
    copas.addthread(function* () {
      log.push('A1'); yield* copas.pause(); log.push('A2'); yield* copas.pause(0); log.push('A3');
    });
    copas.addthread(function* () {
      log.push('B1'); yield* copas.sleep(0); log.push('B2'); yield* copas.sleep(); log.push('B3');
    });
    copas.addthread(function* (a: string, b: string) { log.push(`${a}${b}`); }, 'C', '');
    const S = copas.addthread(function* () { log.push('S1'); yield* copas.sleep(-1); log.push('S2'); });
    const P = copas.addthread(function* () { log.push('P1'); yield* copas.pauseforever(); log.push('P2'); });
    copas.addthread(function* () {
      yield* copas.pause(0.2);
      log.push('W wakes S and P');
      copas.wakeup(S);
      copas.wakeup(P);
      log.push('W after wakeup');
    });
    expect(log).toEqual([]); // a new task first runs on the next step
    await copas.loop();
    expect(log).toEqual(['A1', 'B1', 'C', 'S1', 'P1', 'A2', 'B2', 'A3', 'B3', 'W wakes S and P', 'W after wakeup', 'S2', 'P2']);
  });
});
