import fastifyStatic from '@fastify/static';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The SDK's browser bundle the page runs on (clients/typescript), put beside the page by
 * `npm run build` (and `npm run sdk:browser`); not in git.
 */
export const SDK_BUNDLE = 'valkran.js';

/** Serves the live leaderboard page (plain HTML/CSS/JS on the SDK's browser bundle) at `/`. */
@Injectable()
export class LivePage implements OnModuleInit {
  constructor(private readonly host: HttpAdapterHost) {}

  onModuleInit(): void {
    const root = join(__dirname, 'public');
    if (!existsSync(join(root, SDK_BUNDLE))) {
      new Logger(LivePage.name).warn(
        `${join(root, SDK_BUNDLE)} is missing, so the live page cannot run: npm run build (or npm run sdk:browser) makes it`,
      );
    }
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    // Not awaited, like the dashboard: registration must not boot Fastify before Nest is done.
    void fastify.register(fastifyStatic, {
      root,
      prefix: '/',
      index: ['index.html'],
      wildcard: false,
      cacheControl: true,
      maxAge: 60_000,
    });
  }
}
