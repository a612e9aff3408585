import { Logger } from '@nestjs/common';
import { RedisAdapter } from '@socket.io/redis-adapter';
import type { Namespace, Socket } from 'socket.io';
import { LocalFanout, textFrame } from './local-fanout';

/** A Socket.IO packet as the adapters pass it around. */
interface Packet {
  type: number;
  nsp?: string;
  data?: unknown;
}

/** Broadcast options as a Socket.IO namespace passes them to its adapter. */
interface BroadcastOptions {
  rooms: Set<string>;
  except?: Set<string>;
  flags?: { volatile?: boolean; compress?: boolean; local?: boolean };
}

/** The options of a broadcast as they travel through Valkey (sets as arrays). */
interface RawOptions {
  rooms?: string[];
  except?: string[];
  flags?: BroadcastOptions['flags'];
}

/** The members of the classic adapter this class uses (methods, so they can be overridden). */
interface RedisAdapterMembers {
  readonly nsp: Namespace;
  rooms: Map<string, Set<string>>;
  sids: Map<string, Set<string>>;
  readonly uid: string;
  readonly pubClient: unknown;
  readonly parser: { encode(msg: unknown): unknown; decode(msg: unknown): unknown };
  broadcast(packet: Packet, opts: BroadcastOptions): void;
  close(): Promise<void> | void;
}

/**
 * The classic adapter as a base class typed by what this class uses, without its private
 * members, so a subclass may bring its own handler for what arrives from Valkey (`onmessage`).
 */
const RedisAdapterBase = RedisAdapter as unknown as new (
  nsp: Namespace,
  pubClient: unknown,
  subClient: unknown,
) => RedisAdapterMembers;

export interface ValkeyPubSubAdapterOptions {
  /** Longest event-loop turn spent writing one broadcast (default FANOUT_SLICE_MS). */
  sliceMs?: number;
}

/** Channel prefix of the classic adapter (and @socket.io/redis-emitter) with the default key. */
const CHANNEL_KEY = 'socket.io';

/**
 * The classic Valkey pub/sub adapter (`@socket.io/redis-adapter`: the same channels and
 * messages, so the worker's `@socket.io/redis-emitter` and other instances interoperate), with
 * this process's share of every broadcast written by a LocalFanout: framed once, written over
 * several event-loop turns for a big room, straight to idle websockets. The base class hands
 * what it receives from Valkey to the in-memory adapter's `broadcast` through `super`, out of
 * reach of an override, so this class handles those messages itself: it replaces the base's
 * private `onmessage`, which the base constructor subscribes with (`this.onmessage.bind`),
 * keeping its checks (channel, room, sender, namespace). test/live-fanout.e2e-spec.ts fails if
 * that hook stops being used (an upgrade of the adapter must keep it or replace this class).
 */
export class ValkeyPubSubAdapter extends RedisAdapterBase {
  private readonly logger = new Logger(ValkeyPubSubAdapter.name);
  private readonly channelPrefix: string;
  private loggedError = false;
  readonly fanout: LocalFanout;

  constructor(
    nsp: Namespace,
    pubClient: unknown,
    subClient: unknown,
    options: ValkeyPubSubAdapterOptions = {},
  ) {
    // The base constructor subscribes `this.onmessage`: a method, so the prototype's (below).
    super(nsp, pubClient, subClient);
    this.channelPrefix = `${CHANNEL_KEY}#${nsp.name}#`;
    this.fanout = new LocalFanout(
      (socket, rooms) => this.isMember(socket, rooms),
      (err) => this.logError(err),
      options.sliceMs,
    );
  }

  /** A broadcast from this process: to the other instances through Valkey, here by the fanout. */
  override broadcast(packet: Packet, opts: BroadcastOptions): void {
    packet.nsp = this.nsp.name;
    if (!opts.flags?.local) {
      const raw: RawOptions = {
        rooms: [...opts.rooms],
        except: [...new Set(opts.except)],
        flags: opts.flags,
      };
      const room = opts.rooms.size === 1 ? `${[...opts.rooms][0]}#` : '';
      void (this.pubClient as { publish(channel: string, msg: unknown): Promise<unknown> })
        .publish(this.channelPrefix + room, this.parser.encode([this.uid, packet, raw]))
        .catch((err: Error) => this.logError(err));
    }
    this.deliver(packet, opts);
  }

  /**
   * A broadcast from Valkey (another instance or an emitter). Replaces the base class's handler
   * of the same name and keeps its checks.
   */
  onmessage(_pattern: unknown, channel: Buffer | string, msg: Buffer): void {
    const name = channel.toString();
    if (!name.startsWith(this.channelPrefix)) return;
    const room = name.slice(this.channelPrefix.length, -1);
    if (room !== '' && !this.rooms.has(room)) return; // nobody here is in it (rooms are strings)
    const [uid, packet, raw] = this.parser.decode(msg) as [string, Packet | undefined, RawOptions];
    if (uid === this.uid || !packet) return; // our own broadcast, already delivered
    if ((packet.nsp ?? '/') !== this.nsp.name) return;
    this.deliver(packet, {
      rooms: new Set(raw?.rooms ?? []),
      except: new Set(raw?.except ?? []),
      flags: raw?.flags ?? {},
    });
  }

  override close(): Promise<void> | void {
    this.fanout.clear();
    return super.close();
  }

  /** Hands this process's share of a broadcast to the fanout: the same sockets as the base's. */
  private deliver(packet: Packet, opts: BroadcastOptions): void {
    packet.nsp = this.nsp.name;
    const encoded = this.nsp.server.encoder.encode(packet as never) as unknown[];
    const text = encoded.length === 1 && typeof encoded[0] === 'string' ? encoded[0] : null;
    this.fanout.enqueue({
      sockets: this.targets(opts),
      rooms: [...opts.rooms],
      encoded,
      // "4": the Engine.IO message packet that carries a Socket.IO packet.
      frame: text === null ? null : textFrame(`4${text}`),
      volatile: !!opts.flags?.volatile,
      compress: !!opts.flags?.compress,
      packet,
    });
  }

  /** Sockets in any of the rooms (every socket if none) and in none of the excepted ones. */
  private targets(opts: BroadcastOptions): Socket[] {
    const except = new Set<string>();
    for (const room of opts.except ?? []) {
      for (const id of this.rooms.get(room) ?? []) except.add(id);
    }
    const sockets: Socket[] = [];
    const add = (id: string) => {
      if (except.has(id)) return;
      const socket = this.nsp.sockets.get(id);
      if (socket) sockets.push(socket);
    };
    if (opts.rooms.size === 0) {
      for (const id of this.sids.keys()) add(id);
    } else if (opts.rooms.size === 1) {
      for (const id of this.rooms.get([...opts.rooms][0]) ?? []) add(id);
    } else {
      const ids = new Set<string>();
      for (const room of opts.rooms) for (const id of this.rooms.get(room) ?? []) ids.add(id);
      for (const id of ids) add(id);
    }
    return sockets;
  }

  private isMember(socket: Socket, rooms: readonly string[]): boolean {
    const joined = this.sids.get(socket.id);
    if (!joined) return false;
    if (rooms.length === 0) return true;
    for (let i = 0; i < rooms.length; i++) if (joined.has(rooms[i])) return true;
    return false;
  }

  private logError(err: unknown): void {
    if (this.loggedError) return;
    this.loggedError = true; // once per process: a broken socket must not flood the log
    this.logger.warn(`Live delivery failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * The adapter factory for `server.adapter(...)`. Socket.IO calls it with `new`, so it is a
 * function, not an arrow (like the classic adapter's `createAdapter`).
 */
export function createValkeyPubSubAdapter(
  pubClient: unknown,
  subClient: unknown,
  options: ValkeyPubSubAdapterOptions = {},
): (nsp: Namespace) => ValkeyPubSubAdapter {
  return function valkeyPubSubAdapter(nsp: Namespace) {
    return new ValkeyPubSubAdapter(nsp, pubClient, subClient, options);
  };
}
