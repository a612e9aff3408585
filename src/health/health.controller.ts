import { Controller, Get } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Problem, ProblemException } from '../common/problem';
import { ModuleRef } from '@nestjs/core';
import { JobQueues } from '../ranking-jobs/queue/job-queues';
import { ValkeyConnections } from '../valkey/valkey-connections';

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref(),
    ),
  ]);

/** How long one readiness check answers /health/ready. */
const READY_TTL_MS = 1000;

interface Readiness {
  checks: Record<string, string>;
  failures: string[];
}

@ApiTags('health')
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    private readonly valkey: ValkeyConnections,
    private readonly moduleRef: ModuleRef,
  ) {}

  private queues(): JobQueues | null {
    try {
      return this.moduleRef.get(JobQueues, { strict: false });
    } catch {
      return null;
    }
  }

  @Get('live')
  @ApiOperation({ summary: 'The process is up (does not touch Valkey)' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: string } {
    return { status: 'ok' };
  }

  private readiness: { at: number; answer: Promise<Readiness> } | null = null;

  @Get('ready')
  @ApiOperation({
    summary: 'Valkey and the job queues answer; 503 otherwise',
    description: 'One check serves every call for a second, so probes cost Valkey next to nothing.',
  })
  @ApiOkResponse({ schema: { example: { status: 'ok', checks: { valkey: 'up', queues: 'up' } } } })
  @ApiServiceUnavailableResponse({ type: Problem })
  async ready(): Promise<{ status: string; checks: Record<string, string> }> {
    const now = Date.now();
    if (!this.readiness || now - this.readiness.at >= READY_TTL_MS) {
      this.readiness = { at: now, answer: this.check() };
    }
    const { checks, failures } = await this.readiness.answer;
    if (failures.length) {
      throw new ProblemException(503, 'not-ready', `Not ready: ${failures.join('; ')}`, undefined, {
        'retry-after': '1',
      });
    }
    return { status: 'ok', checks: { ...checks } };
  }

  private async check(): Promise<Readiness> {
    const checks: Record<string, string> = {};
    const queues = this.queues();
    const probes: [string, () => Promise<unknown>][] = [['valkey', () => this.valkey.api.ping()]];
    if (queues) probes.push(['queues', () => queues.jobCounts()]);
    const failures: string[] = [];
    await Promise.all(
      probes.map(async ([name, probe]) => {
        try {
          await withTimeout(probe(), 500);
          checks[name] = 'up';
        } catch (err) {
          checks[name] = 'down';
          failures.push(`${name}: ${(err as Error).message}`);
        }
      }),
    );
    return { checks, failures };
  }
}
