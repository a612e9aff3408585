import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { problemBody } from '../../common/problem';
import { sendProblem } from '../../common/problem.filter';
import { AppConfig, sha256 } from '../../config/app-config';
import { JobQueues } from './job-queues';

export const DASHBOARD_PATH = '/admin/queues';

/** bull-board at /admin/queues behind HTTP Basic auth whose password is an admin key. */
@Injectable()
export class QueueDashboard implements OnModuleInit {
  constructor(
    private readonly host: HttpAdapterHost,
    private readonly queues: JobQueues,
    private readonly config: AppConfig,
  ) {}

  private authorized(req: FastifyRequest): boolean {
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Basic ')) return false;
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const password = decoded.slice(decoded.indexOf(':') + 1);
    const digest = sha256(password);
    let ok = false;
    for (const key of this.config.apiKeys.admin) ok = timingSafeEqual(digest, key) || ok;
    return ok;
  }

  onModuleInit(): void {
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    const adapter = new FastifyAdapter();
    adapter.setBasePath(DASHBOARD_PATH);
    createBullBoard({
      queues: Object.values(this.queues.queues).map((q) => new BullMQAdapter(q)),
      serverAdapter: adapter,
    });
    // Not awaited: registering now would boot Fastify's plugin queue before Nest has set its
    // error handler, and the root scope would lose it.
    void fastify.register(
      async (scope: FastifyInstance) => {
        scope.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
          if (this.authorized(req)) return done();
          void reply.header('www-authenticate', 'Basic realm="Valkran queues", charset="UTF-8"');
          sendProblem(
            reply,
            problemBody(
              401,
              'unauthorized',
              'The queue dashboard needs HTTP Basic auth with an admin key as the password.',
            ),
            {},
          );
        });
        await scope.register(adapter.registerPlugin());
      },
      { prefix: DASHBOARD_PATH },
    );
  }
}
