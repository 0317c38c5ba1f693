import type * as http from 'node:http';
import { performance } from 'node:perf_hooks';
import { kernel } from '../scheduler/kernel';
import { monitor } from '../scheduler/monitor';
import { pause } from '../scheduler/sleep';
import { resumeScheduler } from '../scheduler/step-gate';
import type { TaskGenerator } from '../scheduler/operation';
import type { TraceRing } from '../scheduler/trace-ring';
import { checkInteger, checkOptions, checkSeconds, checkString } from '../util/args';
import { listen, type WebSocketServer } from '../websocket/server/copas-server';
import type { ServerConnection } from '../websocket/server/server-connection';
import { runCommand } from './commands';
import { inspectorPage } from './page';
import { Snapshotter } from './snapshot';

/** Options of copas.inspect. */
export interface InspectOptions {
  /** Port of the page (default 8000; 0 = any free port, see inspector.port). */
  port?: number;
  /** Interface to listen on (default '127.0.0.1': the page controls the program, keep it local). */
  interface?: string;
  /** Seconds a task may run without yielding before the page flags it (default 0.1, as asyncio's debug mode). */
  longRun?: number;
  /** Timeline events kept (the trace ring's size, default 100,000). */
  events?: number;
  /** Seconds between the page's updates (default 0.1). */
  interval?: number;
}

/** A running inspector: what copas.inspect returns. */
export interface Inspector {
  /** The port it listens on. */
  readonly port: number;
  /** The page's address. */
  readonly url: string;
  /** Stops serving, closes the pages' connections and resumes a paused scheduler. */
  close(): void;
}

/** The subprotocol the page speaks. */
const PROTOCOL = 'copas-inspect';

interface Session { ring: TraceRing; origin: number; longRun: number; interval: number; server: WebSocketServer | null }
let open: Session | null = null;

function* sendUpdates(ws: ServerConnection, session: Session): TaskGenerator<void> {
  const snaps = new Snapshotter(session.ring, session.origin, session.longRun);
  while (ws.state === 'OPEN') {
    const [ok] = yield* ws.send(JSON.stringify(snaps.next(performance.now())));
    if (ok === null) return;
    yield* pause(session.interval);
  }
}

function* pageConnection(ws: ServerConnection): TaskGenerator<void> {
  const session = open;
  if (session === null) return;
  const sender = kernel.spawn('copas inspector updates', sendUpdates, [ws, session]); // hidden: spawned by a hidden task
  try {
    for (;;) {
      const [message] = yield* ws.receive();
      if (message === null) return;
      const [ok] = yield* ws.send(JSON.stringify(runCommand(String(message))));
      if (ok === null) return;
    }
  } finally {
    kernel.removethread(sender);
  }
}
monitor.hiddenFns.add(pageConnection);
monitor.hiddenFns.add(sendUpdates);

/**
 * Serves a live page of the scheduler: the task table (state, what each task waits on, resumes, time running,
 * who woke it), locks, semaphores and queues with their waiters, a timeline with one lane per task, and step
 * mode (pause, run one step, run one task's turn, resume). A task that ran longer than `longRun` without
 * yielding is flagged. The inspector is a copas program itself (copas-ts's WebSocket server); its own tasks
 * are hidden from what it shows, and keep running while the program is paused. Like any server it keeps
 * copas.loop() running until inspector.close().
 *
 * TS (no Lua twin): `const inspector = copas.inspect({ port: 8000 }); console.log(inspector.url); copas.loop()`
 */
export function inspect(options?: InspectOptions): Inspector {
  const fn = 'copas.inspect';
  const o = checkOptions(fn, 'options', options, ['port', 'interface', 'longRun', 'events', 'interval']) as InspectOptions;
  if (o.port !== undefined) checkInteger(fn, 'options.port', o.port, 0, 65535);
  const host = checkString(fn, 'options.interface', o.interface, true) ?? '127.0.0.1';
  const longRun = checkSeconds(fn, 'options.longRun', o.longRun) ?? 0.1;
  const interval = checkSeconds(fn, 'options.interval', o.interval) ?? 0.1;
  if (o.events !== undefined) checkInteger(fn, 'options.events', o.events, 1, 100_000_000);
  if (open !== null) throw new Error(`${fn}: an inspector is already open (close it first)`);
  const session: Session = { ring: monitor.acquireRing(o.events ?? 100_000), origin: performance.now(), longRun, interval, server: null };
  open = session;
  try {
    session.server = listen({
      port: o.port ?? 8000, interface: host, protocols: { [PROTOCOL]: pageConnection },
      on_request: servePage, on_error: () => undefined,
    });
  } catch (err) {
    open = null;
    monitor.releaseRing();
    throw err;
  }
  const server = session.server;
  const shown = host === '*' || host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    port: server.port,
    url: `http://${shown.includes(':') ? `[${shown}]` : shown}:${server.port}/`,
    close(): void {
      if (open !== session) return;
      open = null;
      monitor.hiding++; // the close handshakes' tasks are the inspector's too
      try { server.close(); } finally { monitor.hiding--; }
      resumeScheduler();
      monitor.releaseRing();
    },
  };
}

function servePage(req: http.IncomingMessage, res: http.ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' || (path !== '/' && path !== '/index.html')) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(inspectorPage(PROTOCOL));
}
