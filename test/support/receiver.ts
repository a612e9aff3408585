import { createServer, IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got. */
export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
  at: number;
}

/**
 * A real local HTTP server standing in for a game server's webhook endpoint. `respond` decides
 * each answer from the request and how many came before it: a status code, or 'hang' (never
 * answer; the connection stays open until the receiver closes).
 */
export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** Requests of one event (Valkran-Event header). */
  of(event: string): Received[];
  respond: (req: Received, index: number) => number | 'hang';
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const hanging = new Set<ServerResponse>();
  const r = {
    received: [] as Received[],
    respond: () => 200,
  } as unknown as Receiver;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {
        json = null;
      }
      const got: Received = { headers: req.headers, body, json, at: Date.now() };
      const index = r.received.length;
      r.received.push(got);
      const answer = r.respond(got, index);
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(answer, { 'content-type': 'text/plain' }).end(`status ${answer}`);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  r.port = port;
  r.url = `http://127.0.0.1:${port}/hook`;
  r.of = (event) => r.received.filter((x) => x.headers['valkran-event'] === event);
  r.close = async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  };
  return r;
}
