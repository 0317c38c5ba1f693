import { copas, socket } from '../../src';
import { listen } from './helpers';

/**
 * Copas' tests/starve.lua: a task that reads one byte at a time as fast as the data arrives (the client keeps
 * the pipe full) must not starve a timer task that sleeps in small increments, nor a task that only yields.
 */
describe('starvation (Copas starve test)', () => {
  it('a task reading receive(1) in a tight loop leaves timers and other tasks running', async () => {
    const RUN = 1.5;
    const TICK = 0.01;
    const [server, port] = listen();
    let bytesRead = 0;
    let done = 0;
    copas.addserver(server, copas.handler(function* (skt) {
      const end = copas.gettime() + RUN;
      while (copas.gettime() < end) {
        const [b, err] = yield* skt.receive(1);
        if (b === null) throw new Error(`server receive failed: ${err}`);
        bytesRead++;
      }
      skt.close();
      copas.removeserver(server);
      done++;
    }));
    const chunk = Buffer.alloc(1024 * 1024, 'A');
    let sendEnd: string | undefined;
    copas.addnamedthread('client', function* () {
      const skt = copas.wrap(socket.tcp());
      expect(yield* skt.connect('127.0.0.1', port)).toEqual([1]);
      for (;;) {
        const [last, err] = yield* skt.send(chunk, 1, -1);
        if (last === null) { sendEnd = err; break; }
      }
      skt.close();
      done++;
    });
    const gaps: number[] = [];
    let ticks = 0;
    let elapsed = 0;
    copas.addnamedthread('timer', function* () {
      const start = copas.gettime();
      let prev = start;
      while (done < 2) {
        yield* copas.pause(TICK); // delta sleep: starving this task makes it fall behind wall time
        const now = copas.gettime();
        gaps.push(now - prev);
        prev = now;
        ticks++;
      }
      elapsed = prev - start;
    });
    let hops = 0;
    copas.addnamedthread('yielder', function* () {
      while (done < 2) { yield* copas.pause(0); hops++; }
    });
    await copas.loop();
    expect(sendEnd).toBe('closed');
    expect(bytesRead).toBeGreaterThan(100_000);
    // every tick is a pause(0.01) plus the time the kernel took to come back to the timer task
    // a starved timer falls behind: before the fix the reader held the turn for ~0.8 s at a time (4 ticks in 1.5 s)
    const meanGap = elapsed / ticks;
    const maxGap = Math.max(...gaps);
    expect(ticks).toBeGreaterThan(RUN / (TICK * 1.6));
    expect(meanGap).toBeLessThan(TICK * 1.6);
    expect(maxGap).toBeLessThan(0.1);
    // the task that only yields got many turns too (more than the timer, which sleeps)
    expect(hops).toBeGreaterThan(ticks * 10);
    if (process.env.SPEC_VERBOSE) console.log(`starve: read ${bytesRead} bytes one at a time; ${ticks} ticks in ${elapsed.toFixed(3)} s, mean gap ${(meanGap * 1000).toFixed(1)} ms, max ${(maxGap * 1000).toFixed(1)} ms; ${hops} hops`);
  });
});
