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

  @Get('ready')
  @ApiOperation({ summary: 'Valkey and the job queues answer; 503 otherwise' })
  @ApiOkResponse({ schema: { example: { status: 'ok', checks: { valkey: 'up', queues: 'up' } } } })
  @ApiServiceUnavailableResponse({ type: Problem })
  async ready(): Promise<{ status: string; checks: Record<string, string> }> {
    const checks: Record<string, string> = {};
    const queues = this.queues();
    const probes: [string, () => Promise<unknown>][] = [['valkey', () => this.valkey.api.ping()]];
    if (queues) probes.push(['queues', () => queues.queues.ranking.getJobCounts('waiting')]);
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
    if (failures.length) {
      throw new ProblemException(503, 'not-ready', `Not ready: ${failures.join('; ')}`, undefined, {
        'retry-after': '1',
      });
    }
    return { status: 'ok', checks };
  }
}
