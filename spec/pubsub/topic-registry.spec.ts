/** The sans-I/O subscription table: first/last reports, leaving every topic, and O(1) operations at scale. */
import { TopicRegistry } from '../../src/websocket/pubsub/topic-registry';

describe('TopicRegistry', () => {
  it('reports the first subscriber and the last one leaving', () => {
    const r = new TopicRegistry<string>();
    expect(r.subscribe('a', 't')).toBe('first');
    expect(r.subscribe('b', 't')).toBe(true);
    expect(r.subscribe('b', 't')).toBe(false);
    expect([...(r.subscribers('t') ?? [])]).toEqual(['a', 'b']);
    expect(r.unsubscribe('a', 't')).toBe(true);
    expect(r.unsubscribe('a', 't')).toBe(false);
    expect(r.unsubscribe('b', 't')).toBe('last');
    expect(r.subscribers('t')).toBeUndefined();
    expect(r.size).toBe(0);
  });

  it('leaveAll removes a subscriber from every topic and names the topics it emptied', () => {
    const r = new TopicRegistry<string>();
    r.subscribe('a', 'x'); r.subscribe('a', 'y'); r.subscribe('a', 'z'); r.subscribe('b', 'y');
    expect(r.topicsOf('a')).toEqual(['x', 'y', 'z']);
    expect(r.leaveAll('a').sort()).toEqual(['x', 'z']);
    expect(r.topicsOf('a')).toEqual([]);
    expect(r.isSubscribed('b', 'y')).toBe(true);
    expect([...r.topics()]).toEqual(['y']);
    expect(r.leaveAll('a')).toEqual([]);
  });

  it('100,000 subscribers on one topic: subscribing and leaving stay constant-time each', () => {
    const r = new TopicRegistry<number>();
    const time = (n: number): number => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) r.subscribe(i, 'big');
      for (let i = 0; i < n; i++) r.leaveAll(i);
      return Number(process.hrtime.bigint() - t0) / n;
    };
    time(10000); // warm up
    const small = time(10000);
    const large = time(100000);
    // a linear scan per operation would make the 10x table 10x slower per operation; hashing keeps it flat
    expect(large).toBeLessThan(small * 4);
    expect(r.size).toBe(0);
  });
});
