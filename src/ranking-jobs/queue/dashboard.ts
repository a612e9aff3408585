import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { AuthFailures } from '../../common/auth';
import { Problem, ProblemException } from '../../common/problem';
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
    private readonly failures: AuthFailures,
  ) {}

  /** The presented password, or null without Basic credentials. */
  private password(req: FastifyRequest): string | null {
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Basic ')) return null;
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1);
  }

  private isAdminKey(password: string): boolean {
    const digest = sha256(password);
    let ok = false;
    for (const key of this.config.apiKeys.admin) ok = timingSafeEqual(digest, key) || ok;
    return ok;
  }

  /**
   * Null when the request may pass; otherwise the refusal: a 401 challenge, or a 429 when the
   * client IP failed authentication too often (API keys and this password share the budget).
   */
  private async refusal(req: FastifyRequest): Promise<ProblemException | null> {
    const password = this.password(req);
    const challenge = new ProblemException(
      401,
      'unauthorized',
      'The queue dashboard needs HTTP Basic auth with an admin key as the password.',
      undefined,
      { 'www-authenticate': 'Basic realm="Valkran queues", charset="UTF-8"' },
    );
    if (password === null) return challenge;
    const refused = this.failures.refusal(req.ip);
    if (refused) return refused;
    if (this.isAdminKey(password)) return null;
    return (await this.failures.failed(req.ip)) ?? challenge;
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
        scope.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
          const refused = await this.refusal(req);
          if (!refused) return;
          sendProblem(reply, refused.getResponse() as Problem, refused.headers);
          return reply;
        });
        await scope.register(adapter.registerPlugin());
      },
      { prefix: DASHBOARD_PATH },
    );
  }
}
