import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  SetMetadata,
  applyDecorators,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppConfig, sha256 } from '../config/app-config';
import { Problem, ProblemException } from './problem';

export type Scope = 'admin' | 'submit';
const SCOPE_KEY = 'valkran:scope';

/** Marks a route as needing an API key with the given scope (admin keys may do everything). */
export const RequireScope = (scope: Scope): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(SCOPE_KEY, scope),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing or unknown API key', type: Problem }),
    ApiForbiddenResponse({ description: 'The key lacks the needed scope', type: Problem }),
  );

/** Compares a digest against every configured digest without an early exit. */
function matchesAny(digest: Buffer, candidates: Buffer[]): boolean {
  let found = false;
  for (const c of candidates) found = timingSafeEqual(digest, c) || found;
  return found;
}

type AuthedRequest = FastifyRequest & { apiKeyDigest?: string };

/** The sha256 (hex) of the API key that authenticated this request ('' on public routes). */
export const ApiKeyDigest = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): string =>
    ctx.switchToHttp().getRequest<AuthedRequest>().apiKeyDigest ?? '',
);

export function presentedKey(req: FastifyRequest): string | null {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '');
  const header = req.headers['x-api-key'];
  return typeof header === 'string' && header.length > 0 ? header : null;
}

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(SCOPE_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!scope) return true;
    const key = presentedKey(context.switchToHttp().getRequest<FastifyRequest>());
    if (!key) {
      throw new ProblemException(
        401,
        'unauthorized',
        'An API key is required: Authorization: Bearer <key>.',
        undefined,
        {
          'www-authenticate': 'Bearer',
        },
      );
    }
    const digest = sha256(key);
    (context.switchToHttp().getRequest<FastifyRequest>() as AuthedRequest).apiKeyDigest =
      digest.toString('hex');
    const isAdmin = matchesAny(digest, this.config.apiKeys.admin);
    const isSubmit = matchesAny(digest, this.config.apiKeys.submit);
    if (!isAdmin && !isSubmit) {
      throw new ProblemException(401, 'unauthorized', 'The API key is not valid.', undefined, {
        'www-authenticate': 'Bearer',
      });
    }
    if (scope === 'admin' && !isAdmin) {
      throw new ProblemException(403, 'forbidden', 'This operation needs an admin API key.');
    }
    return true;
  }
}
