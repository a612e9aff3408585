import { Controller, Get } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Problem, ProblemException } from '../common/problem';
import { ValkeyConnections } from '../valkey/valkey-connections';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly valkey: ValkeyConnections) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up (does not touch Valkey)' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: string } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Valkey answers; 503 otherwise' })
  @ApiOkResponse({ schema: { example: { status: 'ok', checks: { valkey: 'up' } } } })
  @ApiServiceUnavailableResponse({ type: Problem })
  async ready(): Promise<{ status: string; checks: Record<string, string> }> {
    try {
      await this.valkey.api.ping();
    } catch (err) {
      throw new ProblemException(
        503,
        'not-ready',
        `Valkey is not reachable: ${(err as Error).message}`,
        undefined,
        { 'retry-after': '1' },
      );
    }
    return { status: 'ok', checks: { valkey: 'up' } };
  }
}
