import { Logger } from '@nestjs/common';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pingOnce, ValkeyServerProcess } from './valkey-server-process';

interface EmbeddedState {
  pid: number;
  port: number;
  owner: number;
}

/**
 * The development-only Valkey the app starts for itself when no Valkey is configured. Data
 * (AOF) lives under the data dir, so scores survive restarts. A second app process started
 * against the same data dir reuses the running server instead of starting a competing one.
 */
export class EmbeddedValkey {
  private static readonly logger = new Logger(EmbeddedValkey.name);

  private constructor(
    readonly url: string,
    private readonly server: ValkeyServerProcess | null,
    private readonly stateFile: string,
  ) {}

  static async start(dataDir: string, binary: string, maxmemory: string): Promise<EmbeddedValkey> {
    const dir = resolve(dataDir);
    const stateFile = join(dir, 'embedded-valkey.json');
    const running = await EmbeddedValkey.findRunning(stateFile);
    if (running) {
      EmbeddedValkey.logger.log(`Reusing the embedded Valkey at ${running} (data in ${dir})`);
      return new EmbeddedValkey(running, null, stateFile);
    }
    const server = await ValkeyServerProcess.start({ binary, dir, appendOnly: true, maxmemory });
    const state: EmbeddedState = { pid: server.pid, port: server.port, owner: process.pid };
    writeFileSync(stateFile, JSON.stringify(state));
    EmbeddedValkey.logger.log(
      `Started embedded Valkey (pid ${server.pid}) at ${server.url}, AOF data in ${dir}, maxmemory ${maxmemory}`,
    );
    // Last-resort cleanup if the process exits without a graceful shutdown.
    process.once('exit', () => server.child.kill('SIGTERM'));
    return new EmbeddedValkey(server.url, server, stateFile);
  }

  private static async findRunning(stateFile: string): Promise<string | null> {
    if (!existsSync(stateFile)) return null;
    try {
      const state = JSON.parse(readFileSync(stateFile, 'utf8')) as EmbeddedState;
      process.kill(state.pid, 0);
      return (await pingOnce(state.port)) ? `redis://127.0.0.1:${state.port}` : null;
    } catch {
      return null;
    }
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    await this.server.stop();
    rmSync(this.stateFile, { force: true });
    EmbeddedValkey.logger.log('Stopped embedded Valkey');
  }
}
