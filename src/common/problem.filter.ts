import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';
import { types } from 'node:util';
import {
  isValkeyOutOfMemory,
  isValkeyUnavailable,
  valkeyFailureOutcome,
} from '../valkey/valkey-errors';
import { Metrics } from './metrics';
import { Problem, problemBody, ProblemException } from './problem';

const SLUGS: Record<number, string> = {
  400: 'validation',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  408: 'request-timeout',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'rate-limited',
};

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The 503 for a Valkey failure. `outcome-unknown` when the request could write and its command
 * was sent but not answered (it may have been applied, e.g. a long batch still running when the
 * command timeout fired); `unavailable` when nothing was applied (not sent, refused, a read).
 */
function valkeyProblem(err: unknown, method: string | undefined): Problem {
  const mayWrite = method !== undefined && !READ_METHODS.has(method.toUpperCase());
  if (mayWrite && valkeyFailureOutcome(err) === 'unknown') {
    return problemBody(
      503,
      'outcome-unknown',
      'The leaderboard store did not answer in time: this write may or may not have been applied. ' +
        'Retry with the same Idempotency-Key: it is applied at most once and the retry returns its result.',
    );
  }
  return problemBody(
    503,
    'unavailable',
    'The leaderboard store is unreachable; nothing was applied. Retry shortly.',
  );
}

let storeFullWarnedAt = 0;

/**
 * Valkey at its `maxmemory` refuses writes (`noeviction`): a 507 that says nothing was applied.
 * Retrying soon does not help (memory frees as idempotency records and old periods expire, or
 * when an operator acts), hence the long Retry-After. Logged at most every 10 s.
 */
function storeFull(logger: Logger): { problem: Problem; headers: Record<string, string> } {
  if (Date.now() - storeFullWarnedAt > 10_000) {
    storeFullWarnedAt = Date.now();
    logger.warn('Valkey is at its maxmemory: writes are refused (507) until memory is freed');
  }
  return {
    problem: problemBody(
      507,
      'store-full',
      'The leaderboard store is full: this write was refused and nothing was applied. Reads still work.',
    ),
    headers: { 'retry-after': '30' },
  };
}

/**
 * Maps any thrown value to an RFC 9457 problem (status, body, extra headers). `method`: the
 * HTTP method, when there is a request (a Valkey timeout on a write says "outcome unknown").
 */
export function toProblem(
  err: unknown,
  logger: Logger,
  requestId?: string,
  onUnavailable?: () => void,
  method?: string,
): { problem: Problem; headers: Record<string, string> } {
  if (err instanceof ProblemException) {
    return { problem: err.getResponse() as Problem, headers: err.headers };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const res = err.getResponse();
    const raw = typeof res === 'string' ? res : (res as { message?: unknown }).message;
    const message = Array.isArray(raw)
      ? raw.join('; ')
      : typeof raw === 'string'
        ? raw
        : err.message;
    return { problem: problemBody(status, SLUGS[status] ?? 'error', message), headers: {} };
  }
  if (isValkeyOutOfMemory(err)) return storeFull(logger);
  if (isValkeyUnavailable(err)) {
    onUnavailable?.();
    return { problem: valkeyProblem(err, method), headers: { 'retry-after': '1' } };
  }
  const clientStatus = (err as { statusCode?: unknown } | null)?.statusCode;
  if (
    // isNativeError: Node's own errors ("aborted") may come from another realm (Jest's vm).
    types.isNativeError(err) &&
    typeof clientStatus === 'number' &&
    clientStatus >= 400 &&
    clientStatus < 500
  ) {
    // A client error raised below Nest, not by our code: an upload the client aborted, a body
    // past the request timeout, a path the static-file plugin refuses (`/docs/../x`, `//`).
    // The client's doing: a debug line, no stack.
    logger.debug(
      `Client error ${clientStatus}${requestId ? ` (request ${requestId})` : ''}: ${err.message}`,
    );
    // Our own 403s are HttpExceptions (the auth guard); a bare one is a refused static path,
    // which to the client is simply not there.
    const status = clientStatus === 403 ? 404 : clientStatus;
    const detail =
      status === 404
        ? 'Not found.'
        : status === 408
          ? 'The request did not arrive in time.'
          : 'The request could not be read.';
    return {
      problem: problemBody(status, SLUGS[status] ?? 'error', detail),
      // The rest of a late body is not worth waiting for: drop the connection after this.
      headers: status === 408 ? { connection: 'close' } : {},
    };
  }
  logger.error(
    { err, requestId },
    `Unexpected error${requestId ? ` (request ${requestId})` : ''}: ${(err as Error)?.stack ?? String(err)}`,
  );
  return {
    problem: problemBody(500, 'internal', 'An unexpected error occurred.'),
    headers: {},
  };
}

export function sendProblem(
  reply: FastifyReply,
  problem: Problem,
  headers: Record<string, string>,
): void {
  void reply
    .status(problem.status)
    .headers(headers)
    .type('application/problem+json')
    .send(JSON.stringify(problem));
}

/** The one global filter: every error leaves as application/problem+json, never a stack trace. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemFilter.name);

  constructor(private readonly metrics: Metrics) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const request = ctx.getRequest<FastifyRequest>();
    const { problem, headers } = toProblem(
      exception,
      this.logger,
      request?.id,
      () => this.metrics.valkeyErrors.inc({ connection: 'api' }),
      request?.method,
    );
    sendProblem(reply, problem, headers);
  }
}

/** Fastify's own request errors before routing (a malformed URL, say): problem+json too. */
export function frameworkErrorProblem(
  err: { message: string; statusCode?: number },
  _req: unknown,
  reply: FastifyReply,
): void {
  const status =
    err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
  sendProblem(reply, problemBody(status, SLUGS[status] ?? 'bad-request', err.message), {});
}

/**
 * Bytes that are not a valid HTTP request never reach a route: answer them with a problem+json
 * 400 (408 for a request that took too long to arrive) and close the connection.
 */
export function clientErrorProblem(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
  const status = timeout ? 408 : 400;
  const body = JSON.stringify(
    problemBody(
      status,
      timeout ? 'request-timeout' : 'bad-request',
      timeout ? 'The request did not arrive in time.' : 'The request is not valid HTTP.',
    ),
  );
  socket.end(
    `HTTP/1.1 ${status} ${timeout ? 'Request Timeout' : 'Bad Request'}\r\n` +
      'Content-Type: application/problem+json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
