import { pauseGate, pauseScheduler, resumeScheduler } from '../scheduler/step-gate';
import { visibleTasks } from '../scheduler/status-rows';

/** What the page may ask: pause, run one step, run one task's turn, resume. */
export interface PageCommand {
  cmd: 'pause' | 'step' | 'turn' | 'resume';
  /** The task for 'turn'. */
  id?: number;
}

/** The answer to a command. */
export interface CommandReply {
  type: 'reply';
  cmd: string;
  ok: boolean;
  /** Tasks the command let run. */
  ran?: number;
  error?: string;
}

/** @internal carries out one command from the page (a JSON text); never throws at a bad message. */
export function runCommand(text: string): CommandReply {
  let c: PageCommand;
  try {
    c = JSON.parse(text) as PageCommand;
  } catch {
    return { type: 'reply', cmd: '', ok: false, error: 'not JSON' };
  }
  const cmd = typeof c?.cmd === 'string' ? c.cmd : '';
  switch (cmd) {
    case 'pause':
      pauseScheduler();
      return { type: 'reply', cmd, ok: true };
    case 'resume':
      resumeScheduler();
      return { type: 'reply', cmd, ok: true };
    case 'step': {
      const gate = pauseGate();
      if (gate === null) return { type: 'reply', cmd, ok: false, error: 'the scheduler is not paused' };
      return { type: 'reply', cmd, ok: true, ran: gate.step() };
    }
    case 'turn': {
      const gate = pauseGate();
      if (gate === null) return { type: 'reply', cmd, ok: false, error: 'the scheduler is not paused' };
      const task = visibleTasks().find((t) => t.id === c.id);
      if (task === undefined) return { type: 'reply', cmd, ok: false, error: `no task #${String(c.id)}` };
      if (!gate.turn(task)) return { type: 'reply', cmd, ok: false, error: `task #${task.id} is not ready to run (it waits or sleeps)` };
      return { type: 'reply', cmd, ok: true, ran: 1 };
    }
    default:
      return { type: 'reply', cmd, ok: false, error: `unknown command '${cmd}' (pause, step, turn, resume)` };
  }
}
