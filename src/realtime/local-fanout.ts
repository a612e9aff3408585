import { performance } from 'node:perf_hooks';
import type { Socket } from 'socket.io';

/**
 * The longest one turn of the event loop spends writing an event to sockets. A big room is
 * written over several turns, so HTTP requests and Valkey replies are served in between: 5,000
 * subscribers take ~50 ms of writes here, which in one turn held every submit that arrived
 * meanwhile.
 */
export const FANOUT_SLICE_MS = 5;
/** Sockets written between two looks at the clock. */
const CLOCK_EVERY = 32;

/** A packet on its way to this process's sockets. */
export interface Delivery {
  /** The sockets it goes to, as the rooms were when it arrived. */
  sockets: Socket[];
  /** The rooms it was sent to (none: everyone); a socket that has left them all is skipped. */
  rooms: readonly string[];
  /** Socket.IO's encoding of the packet, for engine.io's own write path. */
  encoded: unknown[];
  /** The same as one complete WebSocket text frame; null for a packet with binary parts. */
  frame: Buffer | null;
  volatile: boolean;
  compress: boolean;
  /** The packet itself, for the socket's outgoing listeners (`onAnyOutgoing`). */
  packet: unknown;
}

/** Deliveries written so far, by path; `skipped`: the socket had gone or left the rooms. */
export interface FanoutCounts {
  framed: number;
  engine: number;
  skipped: number;
  failed: number;
}

/**
 * What the direct write reads of a Socket.IO socket and its engine.io connection (socket.io 4.8,
 * engine.io 6.6, ws 8). None of it is public API: every piece is checked before use, and a
 * socket where anything differs takes engine.io's ordinary path.
 */
interface SocketInternals {
  client: { writeToEngine(encoded: unknown[], opts: object): void };
  conn: {
    readyState: string;
    writeBuffer?: unknown[];
    transport: {
      writable: boolean;
      perMessageDeflate?: unknown;
      socket?: { _sender?: { sendFrame?(frames: Buffer[]): void } };
    };
  };
  notifyOutgoingListeners?(packet: unknown): void;
}

/**
 * An unmasked, single-frame WebSocket text message (RFC 6455 §5.2) carrying `text`: what a
 * server sends for an Engine.IO message over the websocket transport.
 */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81; // FIN + opcode 1 (text)
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.write(text, header, 'utf8');
  return frame;
}

/**
 * Writes broadcast packets to this process's sockets: one at a time in arrival order (so every
 * socket gets them in the order they were sent), each over as many event-loop turns as it takes
 * at FANOUT_SLICE_MS a turn. The packet is framed once; a socket whose websocket is idle gets
 * those bytes written straight to it, the way engine.io writes a broadcast's pre-encoded frame
 * but without its per-socket packet, buffer and drain bookkeeping (a third of the per-socket
 * CPU, measured). A socket with anything queued in engine.io, or on another transport, goes
 * through engine.io, behind what is queued. When a delivery reaches a socket, the socket must
 * still be connected and in one of the rooms: one that unsubscribed meanwhile gets nothing.
 */
export class LocalFanout {
  private readonly queue: Delivery[] = [];
  /** Next socket of queue[0]. */
  private next = 0;
  /** A slice is being written (a delivery queued meanwhile waits its turn). */
  private running = false;
  /** The next slice is due on a later turn. */
  private scheduled = false;
  readonly counts: FanoutCounts = { framed: 0, engine: 0, skipped: 0, failed: 0 };

  constructor(
    /** Whether the socket is still in one of the rooms (any socket, for no rooms). */
    private readonly isMember: (socket: Socket, rooms: readonly string[]) => boolean,
    private readonly onError: (err: unknown) => void,
    private readonly sliceMs = FANOUT_SLICE_MS,
  ) {}

  /** Queues a delivery; with nothing else queued, its first slice is written at once. */
  enqueue(delivery: Delivery): void {
    if (delivery.sockets.length === 0) return;
    this.queue.push(delivery);
    if (!this.running && !this.scheduled) this.run();
  }

  /** Drops what is still queued (the server is closing). */
  clear(): void {
    this.queue.length = 0;
    this.next = 0;
  }

  /** Deliveries queued or in progress. */
  get pending(): number {
    return this.queue.length;
  }

  private readonly run = (): void => {
    this.scheduled = false;
    this.running = true;
    try {
      const deadline = performance.now() + this.sliceMs;
      let written = 0;
      while (this.queue.length > 0) {
        const delivery = this.queue[0];
        while (this.next < delivery.sockets.length) {
          this.write(delivery, delivery.sockets[this.next++]);
          if (++written % CLOCK_EVERY === 0 && performance.now() >= deadline) {
            this.scheduled = true;
            setImmediate(this.run);
            return;
          }
        }
        this.queue.shift();
        this.next = 0;
      }
    } finally {
      this.running = false;
    }
  };

  private write(delivery: Delivery, socket: Socket): void {
    const s = socket as unknown as SocketInternals;
    try {
      if (!socket.connected || !this.isMember(socket, delivery.rooms)) {
        this.counts.skipped++;
        return;
      }
      if (typeof s.notifyOutgoingListeners === 'function')
        s.notifyOutgoingListeners(delivery.packet);
      const conn = s.conn;
      const transport = conn.transport;
      const sender = transport.socket?._sender;
      if (
        delivery.frame &&
        conn.readyState === 'open' &&
        transport.writable &&
        conn.writeBuffer?.length === 0 &&
        !transport.perMessageDeflate &&
        typeof sender?.sendFrame === 'function'
      ) {
        sender.sendFrame([delivery.frame]);
        this.counts.framed++;
        return;
      }
      // engine.io drops a volatile packet for a busy transport, writes the frame as it is when
      // it can (wsPreEncodedFrame), and otherwise encodes the packet for the transport.
      s.client.writeToEngine(delivery.encoded, {
        preEncoded: true,
        volatile: delivery.volatile,
        compress: delivery.compress,
        ...(delivery.frame ? { wsPreEncodedFrame: [delivery.frame] } : {}),
      });
      this.counts.engine++;
    } catch (err) {
      this.counts.failed++;
      this.onError(err);
    }
  }
}
