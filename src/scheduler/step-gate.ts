import { kernel } from './kernel';
import { monitor } from './monitor';
import type { StepGate } from './observer';
import { Task, TaskState } from './task';

/**
 * @internal Step mode: while installed as the kernel's gate, every task the kernel is about to run is held
 * back (state Held) unless it is one of the inspector's own or was let through. step() lets the tasks held
 * now run in the next scheduler step, exactly once each, in the order they became ready (one Copas step:
 * what they make ready is held again); turn(task) lets one of them run; resume() ends step mode.
 */
export class PauseGate implements StepGate {
  private held: Task[] = [];
  private readonly passes = new Set<Task>();
  /** Step commands carried out (step and turn). */
  steps = 0;
  /** Step mode ended: the step running when it did may still ask about its remaining tasks; they run. */
  private closed = false;

  get heldCount(): number { return this.held.length; }

  admit(task: Task): boolean {
    if (this.closed || this.passes.delete(task) || monitor.isHidden(task)) return true;
    task.state = TaskState.Held;
    this.held.push(task);
    return false;
  }

  drop(task: Task): void {
    const i = this.held.indexOf(task);
    if (i >= 0) this.held.splice(i, 1);
    this.passes.delete(task);
  }

  /** The tasks held now, in the order they will run. */
  get waiting(): readonly Task[] { return this.held; }

  /** Lets every held task run once in the next step; returns how many. */
  step(): number {
    const tasks = this.held;
    this.held = [];
    for (const t of tasks) this.release(t);
    this.steps++;
    return tasks.length;
  }

  /** Lets one held task run once; false if it is not held. */
  turn(task: Task): boolean {
    const i = this.held.indexOf(task);
    if (i < 0) return false;
    this.held.splice(i, 1);
    this.release(task);
    this.steps++;
    return true;
  }

  /** Gives every held task back to the ready list, in order (when step mode ends). */
  releaseAll(): void {
    this.closed = true;
    this.passes.clear();
    const tasks = this.held;
    this.held = [];
    for (const t of tasks) kernel.enqueue(t);
  }

  private release(task: Task): void {
    this.passes.add(task);
    kernel.enqueue(task);
  }
}

/** @internal the gate while paused, else null. */
export function pauseGate(): PauseGate | null {
  const g = kernel.gate;
  return g instanceof PauseGate ? g : null;
}

/** @internal pauses the scheduler (step mode); the inspector's own tasks go on. Returns the gate. */
export function pauseScheduler(): PauseGate {
  const g = pauseGate();
  if (g !== null) return g;
  const gate = new PauseGate();
  kernel.gate = gate;
  return gate;
}

/** @internal ends step mode: held tasks run in the next step, in order. */
export function resumeScheduler(): void {
  const g = pauseGate();
  if (g === null) return;
  kernel.gate = null;
  g.releaseAll();
}
