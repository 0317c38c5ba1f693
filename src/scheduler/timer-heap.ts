/**
 * A binary min-heap of deadlines with O(log n) removal of any entry: sleepers, timed waits and timeouts
 * come and go far more often than they expire, so cancelled entries must leave at once rather than pile up.
 * Ties on the deadline keep insertion order (a sequence number), as Copas wakes sleepers.
 */
export interface HeapEntry {
  deadline: number;
  seq: number;
  /** Position in the heap array, -1 when not in the heap. */
  index: number;
}

export class TimerHeap<E extends HeapEntry> {
  private items: E[] = [];
  private nextSeq = 0;

  get size(): number { return this.items.length; }

  /** The entry with the earliest deadline, or undefined. */
  peek(): E | undefined { return this.items[0]; }

  push(entry: E, deadline: number): void {
    entry.deadline = deadline;
    entry.seq = this.nextSeq++;
    entry.index = this.items.length;
    this.items.push(entry);
    this.up(entry.index);
  }

  pop(): E | undefined {
    const top = this.items[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  remove(entry: E): boolean {
    const i = entry.index;
    if (i < 0 || this.items[i] !== entry) return false;
    const last = this.items.pop() as E;
    entry.index = -1;
    if (last !== entry) {
      this.items[i] = last;
      last.index = i;
      this.down(i);
      this.up(last.index);
    }
    return true;
  }

  clear(): E[] {
    const all = this.items;
    this.items = [];
    for (const e of all) e.index = -1;
    return all;
  }

  private less(a: E, b: E): boolean {
    return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
  }

  private up(i: number): void {
    const items = this.items;
    const e = items[i];
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = items[p];
      if (!this.less(e, parent)) break;
      items[i] = parent; parent.index = i;
      i = p;
    }
    items[i] = e; e.index = i;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const e = items[i];
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.less(items[r], items[l]) ? r : l;
      if (!this.less(items[c], e)) break;
      items[i] = items[c]; items[i].index = i;
      i = c;
    }
    items[i] = e; e.index = i;
  }
}
