/**
 * How late plain Node timers started beside a spec's timed check fire. A loaded machine (CI runs two Jest
 * workers on two cores) delays every timer, copas' too, so a check that copas woke a task in time allows that
 * much beyond its bound: it checks copas' timers against Node's, not the machine. In the Copas parity ports
 * this is the one thing not in the Lua. CI on Node 24 once saw timer.lua's 0.1 s initial delay fire after
 * 0.11 s, and transfer_probe's 15 x 0.1 s take over 2 s.
 */

/** How late a Node timer of `seconds`, started now, fired (or, while it has not, how late it is already). */
export function nodeTimerLateness(seconds: number): () => number {
  return nodeTimerChainLateness(1, seconds);
}

/**
 * The same for `count` Node timers of `seconds` each, one started when the last fired (as a task's
 * `pause(seconds)` loop does): how far behind `count * seconds` the chain is, so far.
 */
export function nodeTimerChainLateness(count: number, seconds: number): () => number {
  const start = performance.now();
  let done: number | null = null;
  let left = count;
  const next = (): void => {
    if (--left === 0) { done = performance.now(); return; }
    setTimeout(next, seconds * 1000);
  };
  setTimeout(next, seconds * 1000);
  return () => Math.max(0, ((done ?? performance.now()) - start) / 1000 - count * seconds);
}
