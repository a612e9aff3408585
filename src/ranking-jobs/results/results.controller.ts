import { Controller, Get, Param } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Problem } from '../../common/problem';
import { RateLimitedRead } from '../../common/read-limit.docs';
import { BoardIdPipe, PeriodIdPipe } from '../../leaderboard/params';
import { PeriodResultsDto, toResultsDto } from './dto/results.dto';
import { ResultsService } from './results.service';

@ApiTags('periods')
@Controller('v1/leaderboards/:id/periods/:periodId')
export class ResultsController {
  constructor(private readonly service: ResultsService) {}

  @Get('results')
  @RateLimitedRead()
  @ApiOperation({
    summary: 'A closed period’s final results: its best entries with their rewards',
    description:
      'Written once by the worker right after the period closes (a scheduled or manual reset) ' +
      'and kept as long as the archived period. 404 until then.',
  })
  @ApiOkResponse({ type: PeriodResultsDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  async results(
    @Param('id', BoardIdPipe) id: string,
    @Param('periodId', PeriodIdPipe) periodId: string,
  ): Promise<PeriodResultsDto> {
    return toResultsDto(await this.service.read(id, periodId));
  }
}
