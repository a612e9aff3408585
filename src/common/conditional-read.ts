import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { RateState } from './rate-limit.repository';
import { RateLimiter } from './rate-limiter';

/**
 * A public read's answer: the body (with the board version it was rendered at), or "not
 * modified" when the request's If-None-Match still names the board's version; `rate` is the
 * per-IP read counter the read's script charged (absent when the guard did, or no limit is set).
 */
export type ReadAnswer<T> =
  | { notModified: false; body: T; version?: string; rate?: RateState }
  | { notModified: true; version: string; rate?: RateState };

const JSON_TYPE = 'application/json; charset=utf-8';

/** The ETag of a board version: weak, since it names the board's state, not the bytes. */
export const etagOf = (version: string): string => `W/"${version}"`;

const OUR_TAG = /^\s*(?:W\/)?"(\d{1,20}\.\d{1,20})"\s*$/;

/**
 * The board versions an If-None-Match names (its tags of our form, at most 8, comma-separated
 * as the read scripts take them), or undefined.
 */
export function versionFromIfNoneMatch(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const versions: string[] = [];
  for (const part of header.split(',', 64)) {
    const m = OUR_TAG.exec(part);
    if (m && versions.length < 8) versions.push(m[1]);
  }
  return versions.length > 0 ? versions.join(',') : undefined;
}

/**
 * Writes a read's ETag, Cache-Control and RateLimit-* headers and returns the body to send, or
 * sets 304 (and returns nothing) when the read was not modified — or when If-None-Match is `*`,
 * which any current representation matches.
 */
export function answerRead<T>(
  reply: FastifyReply,
  answer: ReadAnswer<T>,
  cacheControl: string,
  ifNoneMatch: string | undefined,
): T | undefined {
  const headers: Record<string, string> = RateLimiter.headers(answer.rate ?? null);
  if (answer.version) headers.etag = etagOf(answer.version);
  headers['cache-control'] = cacheControl;
  void reply.headers(headers);
  if (answer.notModified || ifNoneMatch?.trim() === '*') {
    void reply.code(304);
    return undefined;
  }
  // A body already rendered to JSON text (see RenderedReads) goes out as JSON, as an object would.
  if (typeof answer.body === 'string') void reply.header('content-type', JSON_TYPE);
  return answer.body;
}

const VALIDATOR_HEADERS = {
  ETag: {
    description: 'The board version, weak (send it back as If-None-Match)',
    schema: { type: 'string' },
  },
  'Cache-Control': {
    description: 'READ_CACHE_CONTROL (default no-cache)',
    schema: { type: 'string' },
  },
};

/**
 * OpenAPI for a read that answers If-None-Match (see {@link answerRead}): its 200 with `type`
 * and the validator headers, the If-None-Match request header and the 304.
 */
export const ConditionalRead = (type: new () => object): MethodDecorator =>
  applyDecorators(
    ApiOkResponse({ type, headers: VALIDATOR_HEADERS }),
    ApiHeader({
      name: 'If-None-Match',
      required: false,
      description:
        'The ETag of an earlier answer: 304 with no body while the board has not changed since (every accepted write, removal, purge, reset or board edit changes it).',
    }),
    ApiResponse({
      status: 304,
      description: 'Not modified: the board is still at the version If-None-Match names.',
      headers: VALIDATOR_HEADERS,
    }),
  );
