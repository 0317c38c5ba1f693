import { copas } from '../../src';
import type { Task } from '../../src';
import { settle } from './helpers';
import { collectGarbage } from '../support/gc';

afterEach(settle);

async function collect(): Promise<number> {
  for (let i = 0; i < 3; i++) { collectGarbage(); await new Promise<void>((r) => setImmediate(r)); }
  return process.memoryUsage().heapUsed;
}

describe('pause: no leak (tests/pause.lua)', () => {
  it('100,000 tasks that pauseforever and are removed leave the heap where it was', async () => {
    const N = 100_000;
    // a warm-up round so that code and one-time structures are in place before measuring
    const run = async (n: number): Promise<WeakRef<Task>> => {
      let tasks: Task[] = [];
      let suspended = 0;
      for (let i = 0; i < n; i++) tasks.push(copas.addthread(function* () { suspended++; yield* copas.pauseforever(); }));
      await copas.loop(); // lethargic tasks keep no loop alive
      expect(suspended).toBe(n);
      expect(copas.status().inactive).toBe(n);
      for (const t of tasks) copas.removethread(t);
      expect(copas.status().inactive).toBe(0);
      const ref = new WeakRef(tasks[0]);
      tasks = [];
      return ref;
    };
    await run(1000);
    const before = await collect();
    const ref = await run(N);
    const after = await collect();
    expect(ref.deref()).toBeUndefined(); // the removed task itself was collected
    // 100,000 leaked tasks would be tens of MB; allow noise of 2 MB
    expect(after - before).toBeLessThan(2 * 1024 * 1024);
  });

  it('removed waiting tasks (lock, semaphore, queue) leave nothing behind either', async () => {
    const l = copas.lock.new(Infinity);
    const s = copas.semaphore.new(1, 0, Infinity);
    const q = copas.queue.new();
    const round = async (n: number): Promise<void> => {
      const tasks: Task[] = [];
      tasks.push(copas.addthread(function* () { yield* l.get(); }));
      for (let i = 0; i < n; i++) {
        tasks.push(copas.addthread(function* () { yield* l.get(); }));
        tasks.push(copas.addthread(function* () { yield* s.take(); }));
        tasks.push(copas.addthread(function* () { yield* q.pop(Infinity); }));
      }
      await copas.loop();
      expect(s.get_wait()).toEqual([n]);
      for (const t of tasks) copas.removethread(t);
      expect(s.get_wait()).toEqual([0]);
    };
    await round(100);
    const before = await collect();
    await round(20_000);
    const after = await collect();
    expect(after - before).toBeLessThan(2 * 1024 * 1024);
  });
});
