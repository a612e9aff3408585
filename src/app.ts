import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { LogController } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import { createRootLogger, PinoNestLogger } from './common/logging';
import { clientErrorProblem, frameworkErrorProblem, ProblemFilter } from './common/problem.filter';
import { Metrics } from './common/metrics';
import { assertJsonDepth, createValidationPipe } from './common/validation';
import { createOpenApiDocument } from './openapi';
import { AppConfig } from './config/app-config';
import { ValkeyIoAdapter } from './realtime/valkey-io.adapter';
import { ValkeyThrottlerStorage } from './common/throttling';
import { ValkeyConnections } from './valkey/valkey-connections';
import { installHotRoutes } from './common/hot-routes';
import { StandingsController } from './leaderboard/standings.controller';
import { ScoresController } from './scores/scores.controller';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export const BODY_LIMIT_BYTES = 64 * 1024;
/**
 * Longest path parameter, measured decoded. A player id has up to 128 characters; the router's
 * default of 100 made longer ids unreachable (414) on every path route. 3 × 128 leaves room for
 * a fully percent-encoded id should the router ever measure the raw form.
 */
export const MAX_PARAM_LENGTH = 384;
/**
 * A request (headers and body) must arrive within this time or gets a 408; Fastify's default,
 * 0, lets a slow client hold a connection open forever. 64 KiB takes far less on any link.
 * Node enforces it until the headers are in; {@link withDeadline} does for the body.
 */
export const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Request ids in the shape of a UUID: a random prefix drawn once per process and a 48-bit
 * counter, so ids are unique across processes without a call into the CSPRNG per request
 * (randomUUID per request was ~7 % of a submit's CPU under load).
 */
const REQUEST_ID_PREFIX = randomUUID().slice(0, 24);
let requestCounter = Math.floor(Math.random() * 2 ** 40);
function nextRequestId(): string {
  requestCounter = (requestCounter + 1) % 2 ** 48;
  return REQUEST_ID_PREFIX + requestCounter.toString(16).padStart(12, '0');
}

export interface CreateAppOptions {
  /** Where JSON log lines go (tests capture them); stdout by default. */
  logDestination?: DestinationStream;
  /** Overrides {@link REQUEST_TIMEOUT_MS} (tests). */
  requestTimeoutMs?: number;
  /** False: every route through Nest's pipeline (tests compare both paths); default true. */
  hotRoutes?: boolean;
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
    requestTimeout: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
    // Node checks request timeouts on this interval (default 30 s, which would double ours).
    http: { connectionsCheckingInterval: 1000 },
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: frameworkErrorProblem,
    clientErrorHandler: clientErrorProblem,
    trustProxy: config.trustProxy,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : nextRequestId();
    },
  });
  // JSON only, through our parser: Nest's parsers (bodyParser) would add form bodies, which
  // no route takes and which browsers may send cross-origin without a preflight (→ 415 now).
  const server = adapter.getInstance();
  const parseJson = server.getDefaultJsonParser('error', 'error');
  // Fastify also reads text/plain bodies by default: without this, a JSON text sent as text/plain
  // (a type browsers send cross-origin without a preflight) was read as a string and refused as
  // "not an object" (400) instead of the 415 every other type gets.
  server.removeContentTypeParser('text/plain');
  server.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    try {
      // Before JSON.parse: nothing may walk a hostile nesting depth, not even the parser.
      assertJsonDepth(text);
    } catch (err) {
      done(err as Error, undefined);
      return;
    }
    void parseJson(req, text, done);
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: false,
    bodyParser: false,
    logger: new PinoNestLogger(rootLogger),
  });
  app.useGlobalPipes(createValidationPipe());
  // Every mode, worker included (health, metrics, unknown routes): errors are problem+json.
  app.useGlobalFilters(new ProblemFilter(app.get(Metrics)));
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
        'if-none-match',
      ],
      exposedHeaders: [
        'x-request-id',
        'retry-after',
        'ratelimit-limit',
        'ratelimit-remaining',
        'ratelimit-reset',
        'idempotent-replayed',
        'etag',
        'x-total-count',
        'link',
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
  // The submit and public read routes skip Nest's per-request pipeline (see HotRoute).
  const hot =
    config.mode !== 'worker' && options.hotRoutes !== false
      ? installHotRoutes(fastify, [
          ...app.get(StandingsController).hotRoutes(),
          ...app.get(ScoresController).hotRoutes(),
        ])
      : null;
  fastify.addHook('onRequest', (req, reply, done) => {
    void reply.header('x-request-id', req.id);
    done();
  });
  const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  fastify.addHook('preParsing', (req, reply, payload, done) => {
    const { 'content-length': length, 'transfer-encoding': chunked } = req.headers;
    const hasBody = chunked !== undefined || (length !== undefined && length !== '0');
    if (hasBody) armBodyDeadline(payload, requestTimeoutMs, reply.raw);
    done(null, payload);
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
        url: pathOf(req.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
    done();
  });
  // The API docs belong where the API is: worker processes serve health and metrics only.
  if (config.mode !== 'worker') setupDocs(app);

  try {
    await app.init();
    hot?.assertInstalled();
  } catch (err) {
    // A startup step refused to go on (e.g. a BOARDS_FILE that cannot be applied): release what
    // the steps before it opened (workers, Valkey connections, the embedded server) first.
    await app.close().catch(() => undefined);
    throw err;
  }
  return app;
}

/**
 * Fails the body read with a 408 if the body is not all in by `ms` (Node's requestTimeout stops
 * counting once the headers are in, so a body sent a byte at a time would hold the connection
 * for ever). Only the read fails: the response can still be written, and the problem's
 * `Connection: close` then drops the connection. The failure is an 'error' event on the body
 * stream, which Fastify listens to while it reads (and only then: once it has stopped, for
 * instance after a 413, there is nothing left to fail). No stream is wrapped: this runs on
 * every request with a body, and a copy through a PassThrough cost ~5 % of a submit's CPU.
 */
function armBodyDeadline(payload: Readable, ms: number, response: ServerResponse): void {
  // The error is built only when it is emitted: a body's stream closes after every request,
  // and an Error per request (its stack trace) cost ~4 % of a submit's CPU.
  const fail = (status: number, code: string, message: string): void => {
    if (payload.readableEnded || payload.listenerCount('error') === 0) return;
    payload.emit('error', Object.assign(new Error(message), { statusCode: status, code }));
  };
  const timer = setTimeout(
    () => fail(408, 'REQUEST_TIMEOUT', 'The request did not arrive in time.'),
    Math.max(ms, 0),
  );
  timer.unref();
  const clear = (): void => clearTimeout(timer);
  payload.once('end', clear);
  response.once('close', clear);
  // A client gone before the body was read (Node emits no error without a listener then).
  payload.once('close', () => {
    clear();
    fail(400, 'ECONNRESET', 'aborted');
  });
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function setupDocs(app: NestFastifyApplication): void {
  SwaggerModule.setup('docs', app, createOpenApiDocument(app), { jsonDocumentUrl: 'openapi.json' });
}
