/**
 * The inspector's protocol driven by the `ws` package over loopback: its commands and their refusals, the
 * updates' content, and step mode's bookkeeping (a held task removed, resume, close while paused).
 */
import WebSocket from 'ws';
import { copas } from '../../src';
import { settle } from '../scheduler/helpers';

afterEach(settle);

interface Msg { type: string; [k: string]: unknown }

/** A page stand-in: collects the inspector's messages and answers commands in order. */
async function client(url: string): Promise<{ ws: WebSocket; next: (type: string) => Promise<Msg>; send: (c: object) => Promise<Msg> }> {
  const ws = new WebSocket(url.replace('http', 'ws'), 'copas-inspect');
  const queue: Msg[] = [];
  const waiting: Array<{ type: string; resolve: (m: Msg) => void }> = [];
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as Msg;
    const i = waiting.findIndex((w) => w.type === m.type);
    if (i >= 0) waiting.splice(i, 1)[0].resolve(m); else queue.push(m);
  });
  await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
  const next = (type: string): Promise<Msg> => {
    const i = queue.findIndex((m) => m.type === type);
    if (i >= 0) return Promise.resolve(queue.splice(i, 1)[0]);
    return new Promise((resolve) => waiting.push({ type, resolve }));
  };
  const send = (c: object): Promise<Msg> => { ws.send(JSON.stringify(c)); return next('reply'); };
  return { ws, next, send };
}

/** Closes the client's socket at once and waits until it is gone. */
async function hangUp(ws: WebSocket): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return;
  const closed = new Promise((r) => ws.once('close', r));
  ws.terminate();
  await closed;
}

describe('copas.inspect protocol', () => {
  it('answers commands, refuses bad ones, and holds, steps and releases tasks', async () => {
    let n = 0;
    const worker = copas.addnamedthread('worker', function* () { for (;;) { n++; yield* copas.pause(0); } });
    const lock = copas.lock.new(Infinity);
    copas.addnamedthread('owner', function* () { yield* lock.get(); yield* copas.pauseforever(); });
    const blocked = copas.addnamedthread('blocked', function* () { yield* copas.pause(0.01); yield* lock.get(); });
    const inspector = copas.inspect({ port: 0, interval: 0.02 });
    const loop = copas.loop();
    const c = await client(inspector.url);
    try {
      const u = await c.next('update');
      expect((u.tasks as Array<{ name: string }>).map((t) => t.name)).toEqual(['worker', 'owner', 'blocked']);
      expect(await c.send({ cmd: 'step' })).toMatchObject({ ok: false, error: 'the scheduler is not paused' });
      expect(await c.send({ cmd: 'jump' })).toMatchObject({ ok: false, error: "unknown command 'jump' (pause, step, turn, resume)" });
      c.ws.send('{not json');
      expect(await c.next('reply')).toMatchObject({ ok: false, error: 'not JSON' });

      expect(await c.send({ cmd: 'pause' })).toMatchObject({ ok: true });
      await new Promise((r) => setTimeout(r, 50));
      const n0 = n;
      await new Promise((r) => setTimeout(r, 100));
      expect(n).toBe(n0);
      expect(await c.send({ cmd: 'step' })).toMatchObject({ ok: true, ran: 1 }); // only the worker is ready
      await new Promise((r) => setTimeout(r, 50));
      expect(n).toBe(n0 + 1);
      expect(await c.send({ cmd: 'turn', id: blocked.id })).toMatchObject({ ok: false, error: `task #${blocked.id} is not ready to run (it waits or sleeps)` });
      expect(await c.send({ cmd: 'turn', id: 999999 })).toMatchObject({ ok: false, error: 'no task #999999' });
      expect(await c.send({ cmd: 'turn', id: worker.id })).toMatchObject({ ok: true, ran: 1 });
      await new Promise((r) => setTimeout(r, 50));
      expect(n).toBe(n0 + 2);
      let held: number[] = [];
      for (let i = 0; i < 20 && held.length === 0; i++) held = (await c.next('update')).held as number[];
      expect(held).toEqual([worker.id]);

      // a held task removed leaves the pause's list; resume lets the rest go on
      copas.removethread(worker);
      for (let i = 0; i < 20 && held.length > 0; i++) held = (await c.next('update')).held as number[]; // updates queued before
      expect(held).toEqual([]);
      expect(await c.send({ cmd: 'resume' })).toMatchObject({ ok: true });
      let paused = true;
      for (let i = 0; i < 20 && paused; i++) paused = (await c.next('update')).paused as boolean;
      expect(paused).toBe(false);
    } finally {
      await hangUp(c.ws);
      inspector.close();
      lock.destroy();
      copas.removethread(blocked);
      copas.cancelall();
      await loop;
    }
  });

  it('resumes a paused program when it closes, and checks its options', async () => {
    let n = 0;
    copas.addnamedthread('worker', function* () { while (n < 1e9) { n++; yield* copas.pause(0); } });
    const inspector = copas.inspect({ port: 0 });
    const loop = copas.loop();
    const c = await client(inspector.url);
    await c.send({ cmd: 'pause' });
    expect(() => copas.inspect({ port: 0 })).toThrow('copas.inspect: an inspector is already open (close it first)');
    await new Promise((r) => setTimeout(r, 50));
    const n0 = n;
    inspector.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(n).toBeGreaterThan(n0);
    await hangUp(c.ws);
    copas.cancelall();
    await loop;
    expect(() => copas.inspect({ port: -1 })).toThrow(/options\.port/);
    expect(() => copas.inspect({ host: 'x' } as never)).toThrow("copas.inspect: unknown option 'options.host' (known: port, interface, longRun, events, interval)");
    expect(() => copas.inspect({ longRun: 'long' } as never)).toThrow(/options\.longRun/);
  });
});
