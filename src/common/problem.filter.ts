import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';
import { isValkeyUnavailable } from '../valkey/valkey-errors';
import { Metrics } from './metrics';
import { Problem, problemBody, ProblemException } from './problem';

const SLUGS: Record<number, string> = {
  400: 'validation',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'rate-limited',
};

/** Maps any thrown value to an RFC 9457 problem (status, body, extra headers). */
export function toProblem(
  err: unknown,
  logger: Logger,
  requestId?: string,
  onUnavailable?: () => void,
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
  if (isValkeyUnavailable(err)) {
    onUnavailable?.();
    return {
      problem: problemBody(
        503,
        'unavailable',
        'The leaderboard store is unreachable; retry shortly.',
      ),
      headers: { 'retry-after': '1' },
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
    const { problem, headers } = toProblem(exception, this.logger, request?.id, () =>
      this.metrics.valkeyErrors.inc({ connection: 'api' }),
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
