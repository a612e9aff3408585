import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Metrics } from '../common/metrics';
import { EmbeddedValkey } from './embedded-valkey';
import { ValkeyConnections } from './valkey-connections';
import { shutdownStep } from '../common/shutdown';

/** The one place that creates Valkey clients (and, in development, the embedded server). */
@Global()
@Module({
  providers: [
    {
      provide: EmbeddedValkey,
      inject: [AppConfig],
      useFactory: async (config: AppConfig): Promise<EmbeddedValkey | null> =>
        config.valkey.kind === 'embedded'
          ? EmbeddedValkey.start(config.valkey.dataDir, config.valkey.binary)
          : null,
    },
    {
      provide: ValkeyConnections,
      inject: [AppConfig, EmbeddedValkey, Metrics],
      useFactory: async (config: AppConfig, embedded: EmbeddedValkey | null, metrics: Metrics) => {
        const target = config.valkey;
        const url = target.kind === 'standalone' ? target.url : (embedded?.url ?? null);
        const connections = new ValkeyConnections(config, url, metrics);
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
    const logger = new Logger(ValkeyModule.name);
    await shutdownStep(logger, 'close Valkey connections', 3000, () => this.connections.close());
    await shutdownStep(logger, 'stop embedded Valkey', 6000, () => this.embedded?.stop());
  }
}
