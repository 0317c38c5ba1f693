/**
 * Topics across processes through a real redis-server (started here on a free port, no persistence): two
 * server processes on different ports, `ws` clients on each. A publish on either reaches every subscriber
 * in both, exactly once and in the publisher's order; 1,000 subscribers spread over the two; Redis killed
 * and restarted mid-stream; Redis down when a server starts.
 */
import { RedisServer, freePort } from '../support/redis-server';
import { range, Subscriber, TopicServer, until } from './helpers';

const clients: Subscriber[] = [];

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

async function subscribers(server: TopicServer, n: number, topic: string): Promise<Subscriber[]> {
  const subs = await Promise.all(range(n).map(() => Subscriber.connect(server.port)));
  clients.push(...subs);
  await Promise.all(subs.map((s) => s.subscribe(topic)));
  return subs;
}

/** Published messages counted by both servers so far, to compare across tests that share them. */
async function counters(s: TopicServer): Promise<{ published: number; dropped: number; received: number }> {
  return (await s.stats()).stats as { published: number; dropped: number; received: number };
}

describe('two server processes on one Redis', () => {
  // one Redis and two server processes for the tests of this block (the outage test comes last)
  let redis: RedisServer;
  let a: TopicServer;
  let b: TopicServer;
  beforeAll(async () => {
    redis = await RedisServer.start();
    [a, b] = await Promise.all([TopicServer.start(redis.url), TopicServer.start(redis.url)]);
  }, 120000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
  }, 30000);

  it('a publish on either reaches both subscribers exactly once, in order', async () => {
    const [ca] = await subscribers(a, 1, 'room');
    const [cb] = await subscribers(b, 1, 'room');
    await Promise.all([a.ready(), b.ready()]);
    // publishes from each server process and from each client, interleaved
    a.command({ cmd: 'publish', topic: 'room', prefix: 'A', count: 200 });
    b.command({ cmd: 'publish', topic: 'room', prefix: 'B', count: 200 });
    for (const i of range(50)) { ca.ws.send(`pub room a${i}`); cb.ws.send(`pub room b${i}`); }
    const tally = (c: Subscriber): string => ['A', 'B', 'a', 'b'].map((p) => `${p} ${c.numbers(p).length}`).join(', ');
    await until(() => ca.inbox.length >= 500 && cb.inbox.length >= 500, 30000,
      () => `all 500 messages on both (on a: ${tally(ca)}; on b: ${tally(cb)})`).catch(async (e: Error) => {
      // which side lost them: each process's bridge counters and state, and who Redis has subscribed
      const [sa, sb, numsub, clientList] = await Promise.all([a.stats(), b.stats(), redis.inline('PUBSUB NUMSUB copas-ts:t:room'), redis.inline('CLIENT LIST')]);
      throw new Error(`${e.message}; a: ${JSON.stringify(sa)}; b: ${JSON.stringify(sb)}; Redis NUMSUB: ${numsub}; clients: ${clientList}`);
    });
    for (const c of [ca, cb]) {
      expect(c.numbers('A')).toEqual(range(200));
      expect(c.numbers('B')).toEqual(range(200));
      expect(c.numbers('a')).toEqual(range(50));
      expect(c.numbers('b')).toEqual(range(50));
    }
    // a marker after everything: a duplicate or a late echo would have come before it
    a.command({ cmd: 'publish', topic: 'room', prefix: 'end', count: 1 });
    await until(() => ca.inbox.includes('end0') && cb.inbox.includes('end0'), 5000, 'the marker');
    expect(ca.inbox.length).toBe(501);
    expect(cb.inbox.length).toBe(501);
    // the local subscriber was served at publish time, without the Redis round trip: its echo was dropped
    expect(await counters(a)).toMatchObject({ published: 251, dropped: 0, received: 250 });
    expect(await counters(b)).toMatchObject({ published: 250, dropped: 0, received: 251 });
  }, 60000);

  it('ws.broadcast and server.broadcast are publishes to the protocol\'s topic: they reach its clients in both processes', async () => {
    const ca = await Subscriber.connect(a.port);
    const cb = await Subscriber.connect(b.port);
    clients.push(ca, cb);
    await Promise.all([a.ready(), b.ready()]);
    ca.ws.send('bc from a client of a');
    await until(() => ca.inbox.length === 1 && cb.inbox.length === 1, 5000, 'the broadcast on both');
    b.command({ cmd: 'broadcast', message: 'from server b' });
    await until(() => ca.inbox.length === 2 && cb.inbox.length === 2, 5000, 'the server broadcast on both');
    for (const c of [ca, cb]) expect(c.inbox).toEqual(['from a client of a', 'from server b']);
  });

  it('1,000 subscribers over two processes each get every message once, in each publisher\'s order', async () => {
    const subs = [...await subscribers(a, 500, 'all'), ...await subscribers(b, 500, 'all')];
    await Promise.all([a.ready(), b.ready()]);
    a.command({ cmd: 'publish', topic: 'all', prefix: 'A', count: 20 });
    b.command({ cmd: 'publish', topic: 'all', prefix: 'B', count: 20 });
    await until(() => subs.every((s) => s.inbox.length >= 40), 20000, 'every subscriber to get 40');
    a.command({ cmd: 'publish', topic: 'all', prefix: 'end', count: 1 });
    await until(() => subs.every((s) => s.inbox.includes('end0')), 10000, 'the marker');
    for (const s of subs) {
      expect(s.numbers('A')).toEqual(range(20));
      expect(s.numbers('B')).toEqual(range(20));
      expect(s.inbox.length).toBe(41);
    }
  }, 60000);

  it('Redis killed and restarted mid-stream: local subscribers keep being served, then publishes reach all again', async () => {
    const [ca] = await subscribers(a, 1, 'tick');
    const [cb] = await subscribers(b, 1, 'tick');
    await Promise.all([a.ready(), b.ready()]);
    a.command({ cmd: 'ticker', topic: 'tick', prefix: 't', every: 0.005 });
    await until(() => cb.inbox.length >= 20, 5000, 'ticks across before the outage');

    await redis.kill();
    const atKill = ca.inbox.length;
    await until(() => a.notices.some((n) => n.includes('unreachable')), 5000, 'the outage notice');
    const bAtOutage = cb.inbox.length;
    await until(() => ca.inbox.length >= atKill + 40, 5000, 'local ticks during the outage');
    const during = await a.stats();
    expect(during.state).toBe('down');
    expect((during.stats as { dropped: number }).dropped).toBeGreaterThan(0);

    await redis.restart();
    await Promise.all([a.ready(15000), b.ready(15000)]);
    const bAtRestart = cb.inbox.length;
    await until(() => cb.inbox.length >= bAtRestart + 20, 10000, 'ticks across after the restart');
    expect(a.notices.some((n) => n.includes('reachable again'))).toBe(true);

    // the local subscriber saw every tick, with no gap; the remote one an increasing run with a gap for the outage
    const la = ca.numbers('t');
    expect(la).toEqual(range(la.length));
    const lb = cb.numbers('t');
    for (let i = 1; i < lb.length; i++) expect(lb[i]).toBeGreaterThan(lb[i - 1]);
    expect(new Set(lb).size).toBe(lb.length);
    expect(lb[lb.length - 1] - lb[0] + 1).toBeGreaterThan(lb.length); // messages published while down are lost for b
    expect(bAtOutage).toBeGreaterThanOrEqual(20);
  }, 60000);
});

describe('a server process started while Redis is down', () => {
  let redis: RedisServer | null = null;
  const servers: TopicServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await redis?.stop();
  }, 30000);

  it('Redis down when a server starts: it serves locally, says so, and joins once Redis comes up', async () => {
    const port = await freePort();
    const [a, b] = await Promise.all([TopicServer.start(`redis://127.0.0.1:${port}`), TopicServer.start(`redis://127.0.0.1:${port}`)]);
    servers.push(a, b);
    const [ca] = await subscribers(a, 1, 'late');
    const [cb] = await subscribers(b, 1, 'late');
    await until(() => a.notices.some((n) => n.includes('unreachable') && n.includes('ECONNREFUSED')), 5000, 'the notice');
    expect((await a.stats()).state).toBe('connecting');
    a.command({ cmd: 'publish', topic: 'late', prefix: 'x', count: 3 });
    await until(() => ca.inbox.length === 3, 5000, 'local delivery without Redis');
    redis = await RedisServer.start(port);
    await Promise.all([a.ready(15000), b.ready(15000)]);
    a.command({ cmd: 'publish', topic: 'late', prefix: 'y', count: 3 });
    await until(() => cb.numbers('y').length === 3, 5000, 'delivery across once Redis is up');
    expect(cb.numbers('x')).toEqual([]);
    expect(ca.numbers('y')).toEqual([0, 1, 2]);
  }, 120000);
});
