import { io, Socket } from 'socket.io-client';

export interface LiveClient {
  socket: Socket;
  events: { name: string; payload: any; at: number }[];
  request(event: string, payload: unknown): Promise<any>;
  close(): void;
}

/** A socket.io-client on /live that records every event it receives. */
export async function connectLive(
  baseUrl: string,
  extraHeaders: Record<string, string> = {},
): Promise<LiveClient> {
  const socket = io(`${baseUrl}/live`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders,
  });
  const events: LiveClient['events'] = [];
  socket.onAny((name: string, payload: unknown) => events.push({ name, payload, at: Date.now() }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
  return {
    socket,
    events,
    request: (event, payload) => socket.timeout(5000).emitWithAck(event, payload),
    close: () => socket.disconnect(),
  };
}
