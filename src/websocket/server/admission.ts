/**
 * Admission before the 101: the Origin allow-list and the `authorize(request)` hook. Both run after the
 * upgrade request is known to be valid and before any byte of the answer is written, so a refused client
 * gets a plain HTTP status and never a WebSocket.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { kernel } from '../../scheduler/kernel';
import type { CallbackEntry } from '../../scheduler/kernel';
import type { TaskGenerator } from '../../scheduler/operation';
import type { Task } from '../../scheduler/task';
import { argError } from '../../util/args';

/** What `authorize` is given: the upgrade request before the answer. */
export interface UpgradeRequest {
  /** The request path with its query, e.g. '/chat?token=abc'. */
  path: string;
  /** The request headers, lower-cased names. */
  headers: IncomingHttpHeaders;
  /** The Origin header, or null when there was none (a non-browser client). */
  origin: string | null;
  /** The sub-protocols the client offered, in its order. */
  protocols: string[];
  /** The peer's address. */
  remoteAddress: string;
  /** Node's request, for anything else. */
  message: IncomingMessage;
}

/**
 * `authorize`'s answer: true accepts; false refuses with 403; a number refuses with that HTTP status;
 * `[status, reason, headers?]` refuses with a reason (the body) and extra headers (`WWW-Authenticate`, ...).
 */
export type AuthorizeVerdict = boolean | number | [number, string?, Record<string, string>?];

/** The `authorize` hook: a plain function or a generator function (it may `yield* copas.await(...)`). */
export type AuthorizeHook = (request: UpgradeRequest) => AuthorizeVerdict | TaskGenerator<AuthorizeVerdict>;

/** A refusal: the status, the body and extra headers. */
export interface Refusal {
  status: number;
  reason: string;
  headers?: Record<string, string>;
}

/** Checks `origins` (listen's option): a list of strings, null allowed for "no Origin header". */
export function checkOrigins(fn: string, origins: unknown): Set<string | null> | null {
  if (origins === undefined) return null;
  if (!Array.isArray(origins) || !origins.every((o) => o === null || typeof o === 'string')) {
    throw argError(fn, 'config.origins', "a list of allowed Origin values such as ['https://example.com'] (null allows clients that send none)", origins);
  }
  return new Set(origins.map((o: string | null) => (o === null ? null : o.toLowerCase())));
}

/** Null when the request's Origin is allowed, else the 403 to answer. */
export function refuseOrigin(allowed: Set<string | null> | null, origin: string | null): Refusal | null {
  if (allowed === null) return null;
  if (allowed.has(origin === null ? null : origin.toLowerCase())) return null;
  return { status: 403, reason: origin === null ? 'an Origin header is required' : `origin not allowed: ${origin}` };
}

/** Turns authorize's answer into null (accepted) or a refusal; an answer of the wrong kind is a refusal with 500. */
export function verdictOf(v: unknown): Refusal | null {
  if (v === true) return null;
  if (v === false) return { status: 403, reason: 'forbidden' };
  if (typeof v === 'number' && Number.isInteger(v) && v >= 400 && v <= 599) return { status: v, reason: '' };
  if (Array.isArray(v) && typeof v[0] === 'number' && Number.isInteger(v[0]) && v[0] >= 400 && v[0] <= 599) {
    const headers = v[2] !== null && typeof v[2] === 'object' ? v[2] as Record<string, string> : undefined;
    return { status: v[0], reason: typeof v[1] === 'string' ? v[1] : '', headers };
  }
  throw new TypeError(`authorize: must return true, false, an HTTP status (400-599) or [status, reason, headers?], got ${JSON.stringify(v) ?? String(v)}`);
}

/**
 * Runs `authorize(request)` and calls `done` once with its refusal (null = accepted). A generator function
 * runs as a task; past `timeout` seconds it is cancelled and the answer is 503. An error in the hook is
 * reported to the error handler and answered with 500.
 */
export function runAuthorize(hook: AuthorizeHook, request: UpgradeRequest, timeout: number, done: (refusal: Refusal | null) => void): void {
  let answered = false;
  const answer = (r: Refusal | null): void => {
    if (answered) return;
    answered = true;
    kernel.cancelCallbackTimer(timer);
    done(r);
  };
  const failed = (err: unknown, task: Task | null): void => {
    kernel.reportError(err, task, undefined);
    answer({ status: 500, reason: 'authorization failed' });
  };
  const timer: CallbackEntry = { deadline: 0, seq: 0, index: -1, fire: () => {
    if (task !== null) kernel.removethread(task);
    answer({ status: 503, reason: 'authorization timed out' });
  } };
  let task: Task | null = null;
  let result: unknown;
  try {
    result = hook(request);
  } catch (err) {
    failed(err, null);
    return;
  }
  if (!isGenerator(result)) {
    try { answer(verdictOf(result)); } catch (err) { failed(err, null); }
    return;
  }
  const gen = result;
  kernel.addCallbackTimer(timer, timeout);
  task = kernel.spawn('websocket authorize', function* () {
    const v = yield* gen;
    try { answer(verdictOf(v)); } catch (err) { failed(err, task); }
  }, []);
  task.reportErrors = false;
  task.addFinalizer((t) => {
    if (t.results !== null && t.results[0] === false && !t.cancelled) failed(t.error, t);
  });
}

function isGenerator(v: unknown): v is TaskGenerator<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as Generator).next === 'function' && typeof (v as Generator)[Symbol.iterator] === 'function';
}
