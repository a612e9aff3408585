import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { EmbeddedValkey } from './embedded-valkey';
import { ValkeyConnections } from './valkey-connections';

/** The one place that creates Valkey clients (and, in development, the embedded server). */
@Global()
@Module({
  providers: [
    {
      provide: EmbeddedValkey,
      inject: [AppConfig],
      useFactory: async (config: AppConfig): Promise<EmbeddedValkey | null> =>
        config.valkey.kind === 'embedded'
          ? EmbeddedValkey.start(
              config.valkey.dataDir,
              config.valkey.binary,
              config.valkey.maxmemory,
            )
          : null,
    },
    {
      provide: ValkeyConnections,
      inject: [AppConfig, EmbeddedValkey],
      useFactory: async (config: AppConfig, embedded: EmbeddedValkey | null) => {
        const target = config.valkey;
        const url = target.kind === 'standalone' ? target.url : (embedded?.url ?? null);
        const connections = new ValkeyConnections(config, url);
        try {
          await connections.waitReady();
        } catch (err) {
          new Logger('ValkeyModule').warn(
            `Starting without Valkey (${(err as Error).message}); requests get 503 until it is reachable`,
          );
        }
        return connections;
      },
    },
  ],
  exports: [ValkeyConnections],
})
export class ValkeyModule implements OnApplicationShutdown {
  constructor(
    private readonly connections: ValkeyConnections,
    @Inject(EmbeddedValkey) private readonly embedded: EmbeddedValkey | null,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    // Both steps are bounded by construction: QUIT gets 1 s per connection (none when Valkey
    // does not answer a PING), and the embedded server gets SIGKILL after 5 s.
    const logger = new Logger(ValkeyModule.name);
    let started = Date.now();
    await this.connections.close();
    logger.debug({
      msg: `Shutdown step "close Valkey connections" done in ${Date.now() - started} ms`,
    });
    started = Date.now();
    await this.embedded?.stop();
    logger.debug({
      msg: `Shutdown step "stop embedded Valkey" done in ${Date.now() - started} ms`,
    });
  }
}
