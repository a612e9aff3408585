import fastifyStatic from '@fastify/static';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';

/** Serves the live leaderboard page (plain HTML/CSS/JS) at `/`. */
@Injectable()
export class LivePage implements OnModuleInit {
  constructor(private readonly host: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    // Not awaited, like the dashboard: registration must not boot Fastify before Nest is done.
    void fastify.register(fastifyStatic, {
      root: join(__dirname, 'public'),
      prefix: '/',
      index: ['index.html'],
      wildcard: false,
      cacheControl: true,
      maxAge: 60_000,
    });
  }
}
