/**
 * Who is subscribed to what, sans I/O: topics to subscribers and subscribers to topics, both as Sets, so a
 * subscribe, an unsubscribe and a lookup are O(1) and a subscriber that goes away leaves every topic in
 * O(its topics). It reports when a topic gains its first subscriber or loses its last, which is when a
 * process must subscribe to (or unsubscribe from) the topic's channel on a shared broker.
 */

/** Topic names are strings of 1 to this many UTF-16 units (a Redis channel name has room for far more). */
export const MAX_TOPIC_LENGTH = 1024;

/** The subscription table of one server. `S` is the subscriber (a connection). */
export class TopicRegistry<S> {
  private readonly byTopic = new Map<string, Set<S>>();
  private readonly bySubscriber = new Map<S, Set<string>>();

  /** Subscribes `s` to `topic`: 'first' if the topic had no subscriber before, true if newly subscribed, false if it already was. */
  subscribe(s: S, topic: string): 'first' | boolean {
    let subs = this.byTopic.get(topic);
    const first = subs === undefined;
    if (subs === undefined) {
      subs = new Set();
      this.byTopic.set(topic, subs);
    } else if (subs.has(s)) {
      return false;
    }
    subs.add(s);
    let topics = this.bySubscriber.get(s);
    if (topics === undefined) {
      topics = new Set();
      this.bySubscriber.set(s, topics);
    }
    topics.add(topic);
    return first ? 'first' : true;
  }

  /** Unsubscribes `s` from `topic`: 'last' if the topic has no subscriber left, true if it was subscribed, false if not. */
  unsubscribe(s: S, topic: string): 'last' | boolean {
    const subs = this.byTopic.get(topic);
    if (subs === undefined || !subs.delete(s)) return false;
    const topics = this.bySubscriber.get(s) as Set<string>;
    topics.delete(topic);
    if (topics.size === 0) this.bySubscriber.delete(s);
    if (subs.size > 0) return true;
    this.byTopic.delete(topic);
    return 'last';
  }

  /** Removes `s` from all its topics; returns the topics left without subscribers (empty array if none). */
  leaveAll(s: S): string[] {
    const topics = this.bySubscriber.get(s);
    const emptied: string[] = [];
    if (topics === undefined) return emptied;
    this.bySubscriber.delete(s);
    for (const topic of topics) {
      const subs = this.byTopic.get(topic) as Set<S>;
      subs.delete(s);
      if (subs.size === 0) {
        this.byTopic.delete(topic);
        emptied.push(topic);
      }
    }
    return emptied;
  }

  /** The subscribers of `topic` (undefined when none). Live: do not change the registry while iterating it. */
  subscribers(topic: string): ReadonlySet<S> | undefined {
    return this.byTopic.get(topic);
  }

  /** True if `s` is subscribed to `topic`. */
  isSubscribed(s: S, topic: string): boolean {
    return this.byTopic.get(topic)?.has(s) ?? false;
  }

  /** The topics `s` is subscribed to, in the order it subscribed. */
  topicsOf(s: S): string[] {
    const topics = this.bySubscriber.get(s);
    return topics === undefined ? [] : [...topics];
  }

  /** Every topic that has at least one subscriber. */
  topics(): IterableIterator<string> {
    return this.byTopic.keys();
  }

  /** Number of topics with at least one subscriber. */
  get size(): number {
    return this.byTopic.size;
  }
}
