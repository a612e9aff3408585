import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { AppModule } from './app.module';
import { createValidationPipe } from './common/validation';
import { AppConfig } from './config/app-config';
import { ValkeyIoAdapter } from './realtime/valkey-io.adapter';
import { RateLimiter } from './common/rate-limiter';
import { ValkeyConnections } from './valkey/valkey-connections';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export const BODY_LIMIT_BYTES = 64 * 1024;

/** Builds the Nest application for the configured mode, with every HTTP concern wired in. */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.trustProxy,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: false,
    logger: config.logLevel === 'silent' ? false : undefined,
  });
  app.useGlobalPipes(createValidationPipe());
  if (config.mode !== 'worker') {
    app.useWebSocketAdapter(
      new ValkeyIoAdapter(app, config, app.get(ValkeyConnections), app.get(RateLimiter)),
    );
  }

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (req, reply, done) => {
    void reply.header('x-request-id', req.id);
    done();
  });
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

  await app.init();
  return app;
}
