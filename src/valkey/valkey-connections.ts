import { Logger } from '@nestjs/common';
import { Cluster, Redis, RedisOptions } from 'ioredis';
import { AppConfig } from '../config/app-config';

export type ValkeyClient = Redis | Cluster;

/**
 * The process's Valkey connections. The API connection fails fast (no offline queue, a
 * command timeout) so a dead Valkey becomes a quick 503 instead of a hang; it reconnects by
 * itself in the background.
 */
export class ValkeyConnections {
  private readonly logger = new Logger(ValkeyConnections.name);
  private readonly owned: ValkeyClient[] = [];
  private readonly names = new WeakMap<ValkeyClient, string>();
  /** Fail-fast connection for request handling. */
  readonly api: ValkeyClient;
  /**
   * Like {@link api}, with auto-pipelining, for passes that issue many calls in one tick (a
   * player's standings on every board): they leave in one write (per node on a cluster, where a
   * plain pipeline may not span slots).
   */
  readonly apiFanout: ValkeyClient;
  /** True on Valkey Cluster: keys of different slots may not meet in one script. */
  readonly cluster: boolean;

  constructor(
    private readonly config: AppConfig,
    /** Resolved standalone URL (the embedded server's, or VALKEY_URL). Null on a cluster. */
    readonly url: string | null,
  ) {
    this.cluster = config.valkey.kind === 'cluster';
    // No auto-pipelining: every request is one command, and holding it for the tick's batch
    // cost more than the writes it saved (README, Benchmarks: +20-35 % submits and player reads
    // without it, in one bench run beside the same build with it).
    this.api = this.create('api', this.apiOptions(false));
    this.apiFanout = this.create('api-fanout', this.apiOptions(true));
  }

  private apiOptions(autoPipelining: boolean): RedisOptions {
    return {
      enableOfflineQueue: false,
      enableAutoPipelining: autoPipelining,
      commandTimeout: this.config.valkeyCommandTimeoutMs,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(50 * times, 1000),
    };
  }

  /** A new connection with the given behaviour; closed with the others on shutdown. */
  create(name: string, options: RedisOptions): ValkeyClient {
    const target = this.config.valkey;
    const client: ValkeyClient =
      target.kind === 'cluster'
        ? new Cluster(target.nodes, {
            enableOfflineQueue: options.enableOfflineQueue,
            enableAutoPipelining: options.enableAutoPipelining,
            clusterRetryStrategy: options.retryStrategy,
            redisOptions: {
              ...options,
              password: target.password,
              username: target.username,
              connectionName: `valkran:${name}`,
            },
          })
        : new Redis(this.url ?? '', { ...options, connectionName: `valkran:${name}` });
    let warned = false;
    client.on('error', (err: Error) => {
      for (const listener of this.errorListeners) listener(name);
      if (!warned) this.logger.warn(`Valkey connection "${name}": ${err.message}`);
      warned = true;
    });
    client.on('ready', () => {
      if (warned) this.logger.log(`Valkey connection "${name}" is back`);
      warned = false;
    });
    this.owned.push(client);
    this.names.set(client, name);
    return client;
  }

  private probe: { at: number; answer: Promise<boolean> } | null = null;
  private readonly errorListeners: ((connection: string) => void)[] = [];

  /** Calls `listener` with the connection's name on every connection error (metrics count them). */
  onConnectionError(listener: (connection: string) => void): void {
    this.errorListeners.push(listener);
  }

  /**
   * Calls `listener` whenever the API connection is lost or (re)established, or (cluster) a node
   * fails, joins or leaves: what Valkey holds may have changed under the process then (a restart
   * from an older snapshot or AOF, a promoted replica that missed the last writes, a restore), so
   * anything remembered about it (RenderedReads) must go.
   */
  onReconnect(listener: () => void): void {
    const events = this.cluster
      ? ['ready', 'close', '+node', '-node', 'node error']
      : ['ready', 'close'];
    for (const event of events) this.api.on(event, listener);
  }

  /**
   * Whether Valkey answers a PING within the API connection's command timeout. Shutdown steps
   * ask it to decide whether to wait for Valkey at all (a frozen server accepts commands on an
   * open socket and never answers them); one answer serves every step for a second.
   */
  reachable(): Promise<boolean> {
    const now = Date.now();
    if (this.probe && now - this.probe.at < 1000) return this.probe.answer;
    const answer =
      this.api.status === 'ready'
        ? this.api.ping().then(
            () => true,
            () => false,
          )
        : Promise.resolve(false);
    this.probe = { at: now, answer };
    return answer;
  }

  /**
   * Each node's `used_memory` and `maxmemory` (0 = no ceiling) from INFO memory, on the API
   * connection (fails fast during an outage): the server of a standalone deployment, every
   * master of a cluster. `node` is host:port, never credentials.
   */
  async memory(): Promise<{ node: string; used: number; max: number }[]> {
    const nodes: Redis[] = this.api instanceof Cluster ? this.api.nodes('master') : [this.api];
    if (nodes.length === 0) throw new Error('no Valkey node connected');
    return Promise.all(
      nodes.map(async (client) => {
        const info = await client.info('memory');
        const field = (name: string): number => {
          const m = new RegExp(`^${name}:(\\d+)`, 'm').exec(info);
          if (!m) throw new Error(`INFO memory has no ${name}`);
          return Number(m[1]);
        };
        return {
          node: `${client.options.host ?? '?'}:${client.options.port ?? '?'}`,
          used: field('used_memory'),
          max: field('maxmemory'),
        };
      }),
    );
  }

  /** Resolves once the API connection is ready, or rejects after `timeoutMs`. */
  async waitReady(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.api.status === 'ready') return;
      if (Date.now() > deadline) {
        throw new Error(`Valkey did not become ready within ${timeoutMs} ms (${this.describe()})`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  describe(): string {
    const t = this.config.valkey;
    if (t.kind === 'cluster')
      return `cluster ${t.nodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
    return (this.url ?? '').replace(/\/\/[^@/]*@/, '//***@');
  }

  /**
   * Closes every connection: politely (QUIT) when Valkey answers, at once when it does not. A
   * connection whose server is frozen accepts a QUIT and never answers it, and a
   * retry-forever connection with commands queued during an outage would never finish one, so
   * a polite close gets one second before the socket is dropped anyway.
   */
  async close(): Promise<void> {
    const polite = await this.reachable();
    await Promise.all(
      this.owned.map(async (c) => {
        const started = Date.now();
        const status = c.status;
        if (polite && c.status === 'ready') {
          await Promise.race([
            c.quit().catch(() => undefined),
            new Promise((r) => setTimeout(r, 1000).unref()),
          ]);
        }
        c.disconnect();
        this.logger.debug(
          `Closed Valkey connection "${this.names.get(c) ?? '?'}" (was ${status}) in ${Date.now() - started} ms`,
        );
      }),
    );
  }
}
