import { Injectable, PipeTransform, ValidationPipe } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { ValkeyConnections } from '../valkey/valkey-connections';
import { ApiKeyAuth, Scope } from './auth';
import { LimitSpec, RateLimitRepository } from './rate-limit.repository';
import { createValidationPipe } from './validation';

/**
 * A route Fastify runs straight, without Nest's per-request pipeline. The route stays a Nest
 * controller method: that method is what the OpenAPI document describes and what runs when the
 * route is not hot (on Valkey Cluster, where the read limit needs its own check). `handle` calls
 * the same method with the same arguments, taken from the request by {@link HotArgs} in the order
 * Nest's guards and pipes would take them, so both paths answer alike (`hot-routes.e2e-spec.ts`
 * compares them request by request). Errors thrown go to the same problem filter: Nest installs
 * it as Fastify's error handler.
 *
 * Why: Nest's guards, param pipes, interceptor chain and response controller cost a public read
 * ~20-25 µs of its ~150 µs of CPU (README "Hot routes"). A request invalid in several places
 * gets the first refusal in this order: API key, path parameters, query or body (Nest resolves
 * parameters concurrently and may report another one; same status and problem type).
 */
export interface HotRoute {
  method: 'GET' | 'POST';
  /** The route's URL as Nest registers it, e.g. `/v1/leaderboards/:id/entries`. */
  url: string;
  /** The route's answer: a body, or undefined when the method sent nothing itself (a 304). */
  handle(req: FastifyRequest, reply: FastifyReply): Promise<unknown>;
}

/** A controller some of whose routes are served hot. */
export interface ServesHotRoutes {
  hotRoutes(): HotRoute[];
}

/**
 * Swaps the handler of each hot route as Nest registers it (Fastify's `onRoute` hook). A
 * GET's automatic HEAD route is copied from Nest's options before the hook runs, so HEAD stays
 * on Nest's pipeline (same answer, without the body). Call before the routes are registered (`app.init()`); `assertInstalled` then
 * fails startup if a hot route matched no route Nest registered.
 */
export function installHotRoutes(
  fastify: FastifyInstance,
  routes: HotRoute[],
): { assertInstalled(): void } {
  const waiting = new Map(routes.map((r) => [`${r.method} ${r.url}`, r]));
  fastify.addHook('onRoute', (route) => {
    if (route.method !== 'GET' && route.method !== 'POST') return;
    const hot = waiting.get(`${route.method} ${route.url}`);
    if (!hot) return;
    waiting.delete(`${route.method} ${route.url}`);
    route.handler = async function hotRoute(req, reply) {
      const body = await hot.handle(req, reply);
      // Returned, not awaited: a reply is thenable and would wait for the response to finish.
      return reply.sent ? reply : reply.send(body);
    };
  });
  return {
    assertInstalled() {
      if (waiting.size > 0) {
        throw new Error(`Hot routes with no such Nest route: ${[...waiting.keys()].join(', ')}`);
      }
    },
  };
}

/**
 * A hot route's arguments, as Nest's decorators would produce them: API key (ApiKeyGuard), path
 * parameters through their pipes, query and body through the global ValidationPipe (the same
 * DTO classes; its compiled fast path included), the per-IP read counter (ReadThrottlerGuard).
 */
@Injectable()
export class HotArgs {
  private readonly pipe: ValidationPipe = createValidationPipe();

  constructor(
    private readonly config: AppConfig,
    private readonly counters: RateLimitRepository,
    private readonly valkey: ValkeyConnections,
    private readonly auth: ApiKeyAuth,
  ) {}

  /**
   * Whether public reads can be hot: only where their script charges the read limit itself (not
   * on a cluster, whose counter lives in another slot: there ReadThrottlerGuard checks it).
   */
  get readsCanBeHot(): boolean {
    return !this.valkey.cluster;
  }

  /** The API key's digest, after checking it has `scope` (see {@link ApiKeyAuth}). */
  apiKey(req: FastifyRequest, scope: Scope): Promise<string> {
    return this.auth.authenticate(req, scope);
  }

  param<T>(req: FastifyRequest, name: string, pipe: PipeTransform<string, T>): T {
    const value = (req.params as Record<string, string>)[name];
    return pipe.transform(value, { type: 'param', data: name });
  }

  query<T extends object>(req: FastifyRequest, dto: new () => T): Promise<T> {
    return this.pipe.transform(req.query, { type: 'query', metatype: dto }) as Promise<T>;
  }

  body<T extends object>(req: FastifyRequest, dto: new () => T): Promise<T> {
    return this.pipe.transform(req.body, { type: 'body', metatype: dto }) as Promise<T>;
  }

  header(req: FastifyRequest, name: string): string | undefined {
    const value = req.headers[name];
    return typeof value === 'string' ? value : undefined;
  }

  /** The per-IP read counter the route's script charges (null when the limit is off). */
  readLimit(req: FastifyRequest): LimitSpec | null {
    const limit = this.config.rateLimits.readPerIp;
    return limit > 0 ? this.counters.readCounter(req.ip, limit) : null;
  }
}
