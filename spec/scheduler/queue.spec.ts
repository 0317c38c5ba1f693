import { copas } from '../../src';
import type { Task } from '../../src';
import { runMain, settle } from './helpers';

afterEach(settle);

describe('copas.queue (tests/queue.lua)', () => {
  it('pushes and pops FIFO, blocks and times out, keeps null and undefined items, stops and self-destroys', async () => {
    await runMain(function* () {
      const now = copas.gettime;
      const q = copas.queue.new<unknown>();
      expect(q.name).toMatch(/^copas_queue_\d+$/);
      expect(q.push('hello')).toEqual([true]);
      expect(yield* q.pop()).toEqual(['hello']);

      const s = now();
      copas.addthread(function* () { yield* copas.pause(0.1); q.push('delayed'); });
      expect(yield* q.pop()).toEqual(['delayed']);
      expect(now() - s).toBeGreaterThanOrEqual(0.09);

      expect(yield* q.pop(0.1)).toEqual([null, 'timeout']);
      expect(yield* q.pop(0)).toEqual([null, 'timeout']);

      expect(q.get_size()).toEqual([0]);
      q.push(1); expect(q.get_size()).toEqual([1]);
      q.push(2); expect(q.get_size()).toEqual([2]);
      q.push(3); expect(q.get_size()).toEqual([3]);
      expect(yield* q.pop()).toEqual([1]);
      expect(yield* q.pop()).toEqual([2]);
      expect(yield* q.pop()).toEqual([3]);

      q.push(1); q.push(null); q.push(undefined); q.push(3);
      expect(yield* q.pop()).toEqual([1]);
      const r = yield* q.pop();
      expect(r.length).toBe(1);
      expect(r[0]).toBeNull();
      const u = yield* q.pop();
      expect(u.length).toBe(1);
      expect(u[0]).toBeUndefined();
      expect(yield* q.pop()).toEqual([3]);

      q.push(1); q.push(2); q.push(3);
      expect(q.stop()).toEqual([true]);
      expect(q.push(4)).toEqual([null, 'stopping']);
      let count = 0;
      const [coro] = q.add_worker(() => { count++; });
      expect(coro!.name).toBe(`${q.name}:worker_1`);
      yield* copas.pause(0.05);
      expect(count).toBe(3);
      expect(coro!.dead).toBe(true);
      expect(q.add_worker(() => undefined)).toEqual([null, 'destroyed']); // as every method of a destroyed queue
      expect(q.push(undefined)).toEqual([null, 'destroyed']);
      expect(yield* q.pop()).toEqual([null, 'destroyed']);
      expect(q.get_size()).toEqual([null, 'destroyed']);
      expect(q.get_workers()).toEqual([null, 'destroyed']);
      expect(q.stop()).toEqual([null, 'destroyed']);
      expect(q.destroy()).toEqual([null, 'destroyed']);
    });
  });

  it('a worker handles null items, finish waits for them', async () => {
    let count = 0;
    await runMain(function* () {
      const q = copas.queue.new({ name: 'nulls' });
      q.push(1); q.push(null); q.push(3);
      q.add_worker(() => { count++; });
      yield* copas.pause(0.05);
      expect(yield* q.finish(5)).toEqual([true]);
    });
    expect(count).toBe(3);
  });

  it('finish times out when nobody pops, and destroys the queue (unless asked not to)', async () => {
    await runMain(function* () {
      const q = copas.queue.new();
      q.push(1);
      const s = copas.gettime();
      expect(yield* q.finish(0.2)).toEqual([null, 'timeout']);
      const d = copas.gettime() - s;
      expect(d).toBeGreaterThanOrEqual(0.19);
      expect(d).toBeLessThan(0.4);
      expect(q.get_size()).toEqual([null, 'destroyed']);

      const q2 = copas.queue.new();
      q2.push(1);
      expect(yield* q2.finish(0.05, true)).toEqual([null, 'timeout']);
      expect(q2.get_size()).toEqual([1]);
      expect(yield* q2.pop()).toEqual([1]); // the last item of a stopped queue destroys it
      expect(q2.destroyed).toBe(true);
    });
  });

  it('stop and finish end idle workers, and the loop ends', async () => {
    let w1: Task | undefined;
    let w2: Task | undefined;
    await runMain(function* () {
      const q = copas.queue.new();
      [w1] = q.add_worker(() => undefined) as [Task];
      yield* copas.pause(0.05);
      expect(q.get_workers()).toEqual([[w1]]);
      q.stop();
    });
    expect(w1?.dead).toBe(true);
    await runMain(function* () {
      const q = copas.queue.new();
      [w2] = q.add_worker(() => undefined) as [Task];
      yield* copas.pause(0.05);
      expect(yield* q.finish()).toEqual([true]);
    });
    expect(w2?.dead).toBe(true);
  });

  it('finish returns only once every worker finished its last item (generator workers)', async () => {
    const result: string[] = [];
    await runMain(function* () {
      const q = copas.queue.new<number>();
      q.push(1); q.push(2); q.push(3);
      for (let i = 0; i < 2; i++) {
        q.add_worker(function* (n: number) {
          result.push(`start item ${n}`);
          yield* copas.pause(0.1);
          result.push(`end item ${n}`);
        });
      }
      result.push('start queue');
      yield* copas.pause(0.15);
      result.push('start finish');
      const [ok, err] = yield* q.finish();
      result.push(`finished ${ok} ${err}`);
    });
    expect(result).toEqual(['start queue', 'start item 1', 'start item 2', 'end item 1', 'start item 3', 'end item 2',
      'start finish', 'end item 3', 'finished true undefined']);
  });

  it('a worker that throws is reported and leaves the worker list', async () => {
    const errors: string[] = [];
    const prev = copas.geterrorhandler();
    copas.seterrorhandler((e, task) => { errors.push(`${(e as Error).message} in ${copas.getthreadname(task as Task)}`); }, true);
    try {
      copas.addthread(function* () {
        const q = copas.queue.new({ name: 'q' });
        q.add_worker(() => { throw new Error('bad item'); });
        q.push(1);
        yield* copas.pause(0.05);
        expect(q.get_workers()).toEqual([[]]);
        expect(yield* q.finish(1)).toEqual([true]);
      });
      await copas.loop();
    } finally {
      copas.seterrorhandler(prev, true);
    }
    expect(errors).toEqual(['bad item in q:worker_1']);
  });

  it('checks its arguments', () => {
    expect(() => copas.queue.new({ name: 3 as never })).toThrow("queue.new: argument 'opts.name' must be a string, got number 3");
    const q = copas.queue.new();
    expect(() => q.pop(-1).next()).toThrow("queue.pop: argument 'timeout' must be a time in seconds >= 0, got number -1");
    expect(() => q.finish('soon' as never).next()).toThrow("queue.finish: argument 'timeout' must be a time in seconds (a number), got 'soon'");
    expect(() => q.add_worker(async () => undefined)).toThrow('got an async function');
    expect(() => q.add_worker(null as never)).toThrow("queue.add_worker: argument 'worker' must be a function or a generator function");
  });
});
