import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  OpenAPIObject,
  OperationObject,
  ResponseObject,
  SwaggerModule,
} from '@nestjs/swagger';
import { AppModule } from './app.module';
import { loadConfig } from './config/app-config';

/** The OpenAPI document of an application's routes (served at /openapi.json). */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  return withSharedResponses(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Valkran')
        .setDescription(
          'Real-time leaderboards on Valkey. Reads are public; writes need `Authorization: Bearer <key>` (or `X-API-Key`). Every error is application/problem+json.',
        )
        .setVersion('0.1.0')
        .addBearerAuth({
          type: 'http',
          scheme: 'bearer',
          description:
            'An API key from ADMIN_API_KEYS or SUBMIT_API_KEYS (an opaque string, not a JWT); `X-API-Key: <key>` works too.',
        })
        .build(),
    ),
  );
}

/**
 * Routes that answer without Valkey: the liveness probe, this process's metrics, and whoami (a
 * valid key is checked in memory; counting a wrong one is best-effort, a 401 either way).
 */
const WITHOUT_VALKEY = new Set(['/health/live', '/metrics', '/v1/admin/whoami']);
/**
 * Writes that only unlink keys, which Valkey allows at its `maxmemory` (they free memory): never
 * a 507. Other deletes (a player's entry, a purge, erasing a player) rewrite what they leave.
 */
const ONLY_FREE_MEMORY = new Set([
  'delete /v1/leaderboards/{id}',
  'delete /v1/webhooks/{webhookId}',
]);

const PROBLEM_REF = '#/components/schemas/Problem';
const problem = (description: string): ResponseObject => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: PROBLEM_REF } } },
});

const RATE_LIMITED = problem(
  "Type `rate-limited`: over the route's own limit (submits: per submit key and per player; see the README's Rate limits), or too many failed authentications from this client IP this second (`RATE_LIMIT_AUTH_FAILURES_PER_IP`). `Retry-After: 1`.",
);
const UNAVAILABLE = problem(
  'Valkey unavailable. Type `unavailable`: nothing was applied, retry. Type `outcome-unknown` (writes): the write may have been applied; retry with the same Idempotency-Key where the route takes one.',
);
const STORE_FULL = problem(
  'Type `store-full`: Valkey is at its `maxmemory` and refused the write; nothing was applied. `Retry-After: 30`.',
);

/**
 * Error answers are sent as application/problem+json (src/common/problem.filter.ts); Nest's
 * decorators (`type: Problem`) describe them as application/json: renamed here.
 */
function asProblemJson(response: ResponseObject): void {
  const json = response.content?.['application/json'];
  const ref = (json?.schema as { $ref?: string } | undefined)?.$ref;
  if (json && ref === PROBLEM_REF && Object.keys(response.content ?? {}).length === 1) {
    response.content = { 'application/problem+json': json };
  }
}

/**
 * Every error answer typed application/problem+json, as sent; and the answers that come from
 * what every route goes through rather than from the route itself, added where a route's own
 * decorators do not list them:
 * - 503 `unavailable` / `outcome-unknown` (src/common/problem.filter.ts) on every route that
 *   reaches Valkey;
 * - 507 `store-full` on every authenticated write but ONLY_FREE_MEMORY (Valkey at its `maxmemory`
 *   refuses it; public reads, the POST lookup included, still answer);
 * - 429 `rate-limited` on every authenticated route (failed authentications per client IP,
 *   src/common/auth.ts; submits also have their own limits); public reads list their per-IP 429.
 */
function withSharedResponses(doc: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const op: OperationObject | undefined = item[method];
      if (!op) continue;
      const authenticated = (op.security?.length ?? 0) > 0;
      const add = (status: string, response: ResponseObject): void => {
        op.responses[status] ??= response;
      };
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) >= 400) asProblemJson(response as ResponseObject);
      }
      if (authenticated) add('429', RATE_LIMITED);
      if (!WITHOUT_VALKEY.has(path)) add('503', UNAVAILABLE);
      if (authenticated && method !== 'get' && !ONLY_FREE_MEMORY.has(`${method} ${path}`))
        add('507', STORE_FULL);
    }
  }
  return doc;
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
