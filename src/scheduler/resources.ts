/**
 * @internal The locks, semaphores and queues alive now, held weakly, so copas.status(true) can list their
 * holders and waiters. A resource costs one WeakRef when it is made; nothing on the paths that use it.
 */
const live = new Set<WeakRef<object>>();
let pruneAt = 256;

/** @internal called by the Lock, Semaphore and Queue constructors. */
export function trackResource(resource: object): void {
  live.add(new WeakRef(resource));
  if (live.size > pruneAt) {
    for (const ref of live) if (ref.deref() === undefined) live.delete(ref);
    pruneAt = Math.max(256, live.size * 2);
  }
}

/** @internal the resources not yet collected, oldest first. */
export function liveResources(): object[] {
  const out: object[] = [];
  for (const ref of live) {
    const r = ref.deref();
    if (r === undefined) live.delete(ref);
    else out.push(r);
  }
  return out;
}
