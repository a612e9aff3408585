import { createServer, Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Emitter } from '@socket.io/redis-emitter';
import { Redis } from 'ioredis';
import { Server, Socket as ServerSocket } from 'socket.io';
import { io, Socket } from 'socket.io-client';
import {
  createValkeyPubSubAdapter,
  ValkeyPubSubAdapter,
} from '../src/realtime/valkey-pubsub.adapter';
import { startValkey, TestValkey } from './support/valkey';
import { waitFor } from './support/wait';

/**
 * The live fan-out on its own: two Socket.IO servers (two api instances) on one Valkey with the
 * app's adapter, events sent by an emitter (as the worker sends them) or by a server. The slice
 * is 0 ms, so every delivery to more than a handful of sockets spans several event-loop turns.
 */
describe('live fan-out through the Valkey pub/sub adapter (integration)', () => {
  interface Instance {
    http: HttpServer;
    io: Server;
    url: string;
    /** server-side sockets by the client's socket id */
    sockets: Map<string, ServerSocket>;
    connections: Redis[];
  }
  interface Client {
    socket: Socket;
    events: { name: string; payload: any }[];
  }

  let valkey: TestValkey;
  let a: Instance;
  let b: Instance;
  let emitterClient: Redis;
  let emitter: Emitter;
  const clients: Client[] = [];

  const instance = async (): Promise<Instance> => {
    const http = createServer();
    const server = new Server(http);
    const connections = [new Redis(valkey.url), new Redis(valkey.url)];
    server.adapter(
      createValkeyPubSubAdapter(connections[0], connections[1], { sliceMs: 0 }) as never,
    );
    const sockets = new Map<string, ServerSocket>();
    server.of('/live').on('connection', (s) => {
      sockets.set(s.id, s);
      void s.join(['all', `${s.handshake.query.kind as string}`]);
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const { port } = http.address() as AddressInfo;
    return { http, io: server, url: `http://127.0.0.1:${port}`, sockets, connections };
  };
  const adapterOf = (i: Instance) => i.io.of('/live').adapter as unknown as ValkeyPubSubAdapter;
  const connect = async (i: Instance, kind: string, transport = 'websocket'): Promise<Client> => {
    const socket = io(`${i.url}/live`, {
      transports: [transport],
      forceNew: true,
      reconnection: false,
      query: { kind },
    });
    const client: Client = { socket, events: [] };
    socket.onAny((name: string, payload: unknown) => client.events.push({ name, payload }));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    clients.push(client);
    return client;
  };
  const connectMany = (i: Instance, n: number, kind: string, transport?: string) =>
    Promise.all(Array.from({ length: n }, () => connect(i, kind, transport)));
  /** The adapter's subscription is in place once a publish reaches a socket of the instance. */
  const ready = async (i: Instance) => {
    const probe = await connect(i, 'probe');
    await waitFor(
      async () => {
        emitter.of('/live').to('probe').emit('probe');
        return probe.events.length > 0;
      },
      5000,
      'the adapter subscription',
    );
  };

  beforeAll(async () => {
    valkey = await startValkey();
    emitterClient = new Redis(valkey.url);
    emitter = new Emitter(emitterClient);
    a = await instance();
    b = await instance();
    await ready(a);
    await ready(b);
  });
  afterAll(async () => {
    for (const c of clients) c.socket.disconnect();
    for (const i of [a, b]) {
      await i.io.close();
      for (const c of i.connections) c.disconnect();
    }
    emitterClient.disconnect();
    await valkey.stop();
  });

  it('delivers every event to every socket of every instance, in order', async () => {
    const onA = await connectMany(a, 120, 'fan');
    const onB = await connectMany(b, 120, 'fan');
    // Long polling has no websocket to write a frame to: engine.io's own path.
    const polling = await connectMany(b, 3, 'fan', 'polling');
    const everyone = [...onA, ...onB, ...polling];
    const before = [a, b].map((i) => ({ ...adapterOf(i).fanout.counts }));
    const payload = (seq: number) => ({
      seq,
      // Frames of every length encoding: 7-bit, 16-bit and (seq 5) 64-bit.
      entries: Array.from({ length: seq === 5 ? 2000 : seq * 3 }, (_, r) => ({
        rank: r + 1,
        playerId: `player-${r}-é`,
        score: 1000 - r,
      })),
    });
    const count = 12;
    for (let seq = 0; seq < count; seq++) emitter.of('/live').to('fan').emit('tick', payload(seq));
    await waitFor(
      async () => everyone.every((c) => c.events.length >= count),
      15_000,
      'every event at every socket',
    );
    for (const c of everyone) {
      expect(c.events.map((e) => e.name)).toEqual(Array(count).fill('tick'));
      expect(c.events.map((e) => e.payload.seq)).toEqual([...Array(count).keys()]);
      expect(c.events[5].payload).toEqual(payload(5));
    }
    const [da, db] = [a, b].map((i, k) => {
      const now = adapterOf(i).fanout.counts;
      return {
        framed: now.framed - before[k].framed,
        engine: now.engine - before[k].engine,
        failed: now.failed - before[k].failed,
      };
    });
    // Websockets get the frame written straight to them (engine.io's path only while it is
    // itself writing to one, e.g. a ping); long polling always goes through engine.io.
    expect(da.framed + da.engine).toBe(120 * count);
    expect(da.framed).toBeGreaterThan(100 * count);
    expect(db.framed + db.engine).toBe(123 * count);
    expect(db.engine).toBeGreaterThanOrEqual(3 * count);
    expect(da.failed + db.failed).toBe(0);
    expect(adapterOf(a).fanout.pending + adapterOf(b).fanout.pending).toBe(0);
  });

  it('sends an instance own broadcasts to the other instance too', async () => {
    const onA = await connect(a, 'both');
    const onB = await connect(b, 'both');
    a.io.of('/live').to('both').emit('hello', { from: 'a' });
    await waitFor(async () => onA.events.length > 0 && onB.events.length > 0, 5000, 'both');
    expect(onA.events).toEqual([{ name: 'hello', payload: { from: 'a' } }]);
    expect(onB.events).toEqual([{ name: 'hello', payload: { from: 'a' } }]);
  });

  it('gives nothing of a delivery under way to a socket that left the room', async () => {
    const subscribers = await connectMany(a, 100, 'leave');
    // The room's last member is written last.
    const last = [...adapterOf(a).rooms.get('leave')!].at(-1);
    const leaver = subscribers.find((c) => c.socket.id === last)!;
    // The first slice is written when the broadcast is made; the rest on later turns, by which
    // time the last socket has left.
    a.io.of('/live').to('leave').emit('first', 1);
    expect(adapterOf(a).fanout.pending).toBe(1);
    void a.sockets.get(leaver.socket.id!)!.leave('leave');
    // A second event to everyone: a socket gets its events in order, so once the leaver has it,
    // anything of the first that was written to it would have arrived before.
    a.io.of('/live').to('all').emit('second', 2);
    await waitFor(
      async () => subscribers.every((c) => c.events.some((e) => e.name === 'second')),
      5000,
      'the second event everywhere',
    );
    expect(leaver.events.map((e) => e.name)).toEqual(['second']);
    for (const c of subscribers.filter((s) => s !== leaver)) {
      expect(c.events.map((e) => e.name)).toEqual(['first', 'second']);
    }
  });
});
