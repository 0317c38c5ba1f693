/** The Copas core: tasks, the dispatcher loop, sleeping, timers and the Promise bridge. No sockets here. */
export { kernel, Kernel, type CallbackEntry } from './kernel';
export { completed, KEEPS_LOOP_ALIVE, LETS_LOOP_FINISH, SUSPEND, SUSPENDED, TIMED_OUT, type WaitLiveness, type Operation, type TaskFunction, type TaskGenerator, type Instruction } from './operation';
export { Task, TaskState, type TaskNamer, type TaskResult, type TryResult, type ErrorHandler } from './task';
export { gettime } from './clock';
export { WaitOn, type WakeVia } from './observer';
export * from './sleep';
export * from './threads';
export * from './loop';
export type { TaskRow, ResourceRow, TaskRef } from './status-rows';
export type { CopasStepStats } from './step-stats';
export type { DebugLogger } from './debug-log';
export type { ChromeTrace, ChromeTraceEvent } from './chrome-trace';
export type { TraceOptions } from './trace';
export { timeout } from './timeout';
export { awaitPromise, awaitable, run, type AwaitableOperation } from './promise-bridge';
