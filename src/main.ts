import { Logger } from '@nestjs/common';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config/app-config';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  const logger = new Logger('Valkran');
  const app = await createApp(config);
  await app.listen({ port: config.port, host: config.host });
  logger.log(`Valkran (${config.mode}) listening on http://${config.host}:${config.port}`);
  logger.log(`API docs at http://localhost:${config.port}/docs`);
  if (config.generatedKeys) {
    logger.warn(
      `No API keys configured: generated for this run only -> admin key ${config.generatedKeys.admin} , submit key ${config.generatedKeys.submit}`,
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`Valkran failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
