import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { loadConfig } from './config/app-config';

/** The OpenAPI document of an application's routes (served at /openapi.json). */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
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
}

/**
 * The same document without a running application or Valkey (tooling: the SDK generator).
 * Nest's preview mode resolves the module graph but instantiates no provider, so nothing
 * connects anywhere; the document depends only on the controllers and DTOs.
 */
export async function previewOpenApiDocument(): Promise<OpenAPIObject> {
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      APP_MODE: 'api',
      // Never contacted in preview mode; set so the config needs no embedded server.
      VALKEY_URL: 'redis://127.0.0.1:1',
      ADMIN_API_KEYS: 'preview-admin-key-0000',
      LOG_LEVEL: 'silent',
    },
    [],
  );
  const app = await NestFactory.create(AppModule.forRoot(config), new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  return createOpenApiDocument(app);
}
