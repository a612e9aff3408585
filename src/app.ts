import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { LogController } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import { createRootLogger, PinoNestLogger } from './common/logging';
import { clientErrorProblem, frameworkErrorProblem } from './common/problem.filter';
import { Metrics } from './common/metrics';
import { createValidationPipe } from './common/validation';
import { AppConfig } from './config/app-config';
import { ValkeyIoAdapter } from './realtime/valkey-io.adapter';
import { ValkeyThrottlerStorage } from './common/throttling';
import { ValkeyConnections } from './valkey/valkey-connections';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export const BODY_LIMIT_BYTES = 64 * 1024;

export interface CreateAppOptions {
  /** Where JSON log lines go (tests capture them); stdout by default. */
  logDestination?: DestinationStream;
}

/** Builds the Nest application for the configured mode, with every HTTP concern wired in. */
export async function createApp(
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  const rootLogger = createRootLogger(config, options.logDestination);
  const adapter = new FastifyAdapter({
    loggerInstance: rootLogger.child({ component: 'http' }),
    // One line per request, written by the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    frameworkErrors: frameworkErrorProblem,
    clientErrorHandler: clientErrorProblem,
    trustProxy: config.trustProxy,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: false,
    logger: new PinoNestLogger(rootLogger),
  });
  app.useGlobalPipes(createValidationPipe());
  if (config.corsOrigins.length > 0) {
    // Browsers on the listed origins may call the REST API too (same list as Socket.IO).
    app.enableCors({
      origin: config.corsOrigins.includes('*') ? true : config.corsOrigins,
      allowedHeaders: [
        'content-type',
        'authorization',
        'x-api-key',
        'idempotency-key',
        'x-request-id',
      ],
      exposedHeaders: [
        'x-request-id',
        'retry-after',
        'ratelimit-limit',
        'ratelimit-remaining',
        'ratelimit-reset',
        'idempotent-replayed',
      ],
      maxAge: 600,
    });
  }
  if (config.mode !== 'worker') {
    app.useWebSocketAdapter(
      new ValkeyIoAdapter(app, config, app.get(ValkeyConnections), app.get(ValkeyThrottlerStorage)),
    );
  }

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (req, reply, done) => {
    void reply.header('x-request-id', req.id);
    done();
  });
  const metrics = app.get(Metrics);
  fastify.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe(
      { method: req.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    req.log.info(
      {
        method: req.method,
        route,
        url: req.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
    done();
  });
  // The API docs belong where the API is: worker processes serve health and metrics only.
  if (config.mode !== 'worker') setupDocs(app);

  await app.init();
  return app;
}

function setupDocs(app: NestFastifyApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Valkran')
      .setDescription(
        'Real-time leaderboards on Valkey. Reads are public; writes need `Authorization: Bearer <key>` (or `X-API-Key`). Every error is application/problem+json.',
      )
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json' });
}
