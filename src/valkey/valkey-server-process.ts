import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { resolve } from 'node:path';

/** Finds a TCP port on 127.0.0.1 that nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

/** One raw PING over TCP; true on +PONG (a loading server answers -LOADING instead). */
export function pingOnce(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let reply = '';
    const finish = (ok: boolean): void => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(1000, () => finish(false));
    socket.on('error', () => finish(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}

export interface ValkeyServerOptions {
  binary: string;
  dir: string;
  port?: number;
  appendOnly: boolean;
  /** Valkey's `maxmemory` (`0` or absent = no ceiling); `noeviction` refuses writes past it. */
  maxmemory?: string;
  extraArgs?: string[];
}

export class ValkeyBinaryMissingError extends Error {
  constructor(binary: string) {
    super(
      `Cannot start the embedded Valkey: "${binary}" was not found. ` +
        `Install it with "bash scripts/install-deps.sh" (Debian: apt-get install -t bookworm-backports valkey-server), ` +
        `set VALKEY_SERVER_BIN to its path, or point VALKEY_URL at a running Valkey.`,
    );
  }
}

/** A `valkey-server` child process on 127.0.0.1 (embedded dev server and the tests' server). */
export class ValkeyServerProcess {
  private exited = false;

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly dir: string,
  ) {
    child.once('exit', () => (this.exited = true));
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  static async start(opts: ValkeyServerOptions): Promise<ValkeyServerProcess> {
    const dir = resolve(opts.dir);
    mkdirSync(dir, { recursive: true });
    const port = opts.port ?? (await freePort());
    const args = [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--dir', dir,
      '--appendonly', opts.appendOnly ? 'yes' : 'no',
      '--appendfsync', 'everysec',
      '--save', '',
      '--daemonize', 'no',
      '--maxmemory', opts.maxmemory ?? '0',
      '--maxmemory-policy', 'noeviction',
      '--loglevel', 'warning',
      ...(opts.extraArgs ?? []),
    ]; // prettier-ignore
    const child = spawn(opts.binary, args, { stdio: 'ignore' });
    const spawnError = new Promise<never>((_, reject) => {
      child.once('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'ENOENT' ? new ValkeyBinaryMissingError(opts.binary) : err),
      );
      child.once('exit', (code) =>
        reject(new Error(`valkey-server exited with code ${code} before it was ready`)),
      );
    });
    spawnError.catch(() => undefined);
    const server = new ValkeyServerProcess(child, port, dir);
    await Promise.race([server.waitReady(), spawnError]);
    // The owner stops the server explicitly; the child alone must not keep Node running.
    child.unref();
    return server;
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (this.exited) throw new Error('valkey-server exited before it was ready');
      if (await pingOnce(this.port)) return;
      if (Date.now() > deadline)
        throw new Error(`valkey-server on port ${this.port} never became ready`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await done;
    clearTimeout(timer);
  }

  pause(): void {
    this.child.kill('SIGSTOP');
  }

  resume(): void {
    this.child.kill('SIGCONT');
  }
}
