import { Logger } from '@nestjs/common';
import { createApp } from './app';
import { LiveGateway } from './realtime/live.gateway';
import { ConfigError, loadConfig } from './config/app-config';
import { shutdownStep } from './common/shutdown';
import { captureConsole } from './common/logging';
import { isValkeyUnavailable } from './valkey/valkey-errors';
import { BoardsFileError } from './leaderboard/boards-file/boards-file';

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
  captureConsole(isValkeyUnavailable);
  // A library promise nobody awaits (e.g. a Socket.IO adapter publish during a Valkey outage)
  // must not take the whole server down: log it and keep serving.
  process.on('unhandledRejection', (reason) => {
    logger.error(`Unhandled rejection: ${(reason as Error)?.stack ?? String(reason)}`);
  });
  const app = await createApp(config);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: finishing in-flight work and shutting down`);
    // Bounded: a stuck close must not keep the process alive forever.
    setTimeout(() => {
      logger.error('Shutdown took longer than 15 s; exiting anyway');
      process.exit(1);
    }, 15_000).unref();
    // HTTP first: stop accepting, answer what is in flight (kept-alive connections get a 503
    // with Connection: close for requests that arrive now), then the rest of the app: workers
    // finish their jobs, sockets and Valkey connections close, the embedded Valkey stops.
    const t0 = Date.now();
    const server = app.getHttpServer();
    const http = app.getHttpAdapter().getInstance();
    void (async () => {
      // Live sockets first: an upgraded WebSocket keeps the HTTP server from closing.
      // Only api and all modes have the gateway (asking a worker for it logs a Nest error).
      if (config.mode !== 'worker') {
        await shutdownStep(logger, 'close live connections', 1000, () =>
          app.get(LiveGateway, { strict: false }).disconnectAll(),
        );
      }
      // A connection busy when closing began becomes idle after its last response, but Node
      // only closes idle connections once, at the start: sweep them until HTTP is closed, and
      // cut whatever is left after 5 s.
      const sweep = setInterval(() => server.closeIdleConnections(), 100);
      const cut = setTimeout(() => server.closeAllConnections(), 5000);
      await shutdownStep(logger, 'close HTTP', 6000, () => http.close());
      clearInterval(sweep);
      clearTimeout(cut);
      logger.log(`HTTP closed in ${Date.now() - t0} ms`);
      try {
        await app.close();
      } catch (err) {
        logger.error(`Shutdown failed: ${(err as Error).message}`);
        process.exit(1);
      }
      logger.log(`Shut down in ${Date.now() - t0} ms`);
      process.exit(0);
    })();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  await app.listen({ port: config.port, host: config.host });
  logger.log(`Valkran (${config.mode}) listening on http://${config.host}:${config.port}`);
  logger.log(`API docs at http://localhost:${config.port}/docs`);
  if (config.generatedKeys) {
    // Printed once, plainly (no log colours), so the quick start can copy them.
    process.stderr.write(
      `\nNo API keys configured, so these were generated for this run only:\n` +
        `  admin key  ${config.generatedKeys.admin}\n` +
        `  submit key ${config.generatedKeys.submit}\n` +
        `Set ADMIN_API_KEYS / SUBMIT_API_KEYS to keep keys across restarts.\n\n`,
    );
  }
}

main().catch((err: unknown) => {
  if (err instanceof BoardsFileError) {
    process.stderr.write(`Valkran failed to start: BOARDS_FILE ${err.message}\n`);
    process.exit(78);
  }
  process.stderr.write(`Valkran failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
