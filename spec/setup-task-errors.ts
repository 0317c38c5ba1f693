/**
 * Makes a failed expectation inside a copas task fail the spec: the default error handler (which would only
 * print) records the error, and afterEach rethrows it. Specs that test error handling install their own.
 */
import { copas } from '../src';

const errors: unknown[] = [];
const recording = (err: unknown): void => { errors.push(err); };

beforeEach(() => {
  errors.length = 0;
  copas.seterrorhandler(recording, true);
});

afterEach(() => {
  copas.seterrorhandler(recording, true);
  if (copas.running || !copas.finished()) copas.cancelall();
  if (errors.length > 0) {
    const first = errors[0];
    errors.length = 0;
    throw first instanceof Error ? first : new Error(`a task failed: ${String(first)}`);
  }
});
