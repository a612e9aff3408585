import { Injectable, PipeTransform } from '@nestjs/common';
import { badRequest } from '../common/problem';
import { BOARD_ID_PATTERN, PLAYER_ID_PATTERN } from './board';

/**
 * Path parameters are validated by these pipes and nothing else (`@Param('id', BoardIdPipe)`).
 */

/** Validates a `{id}` path segment as a board id (400 naming it otherwise). */
@Injectable()
export class BoardIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!BOARD_ID_PATTERN.test(value)) {
      throw badRequest('id', 'must match ^[a-z0-9][a-z0-9_-]{0,63}$');
    }
    return value;
  }
}

/** Validates a `{playerId}` path segment (400 naming it otherwise). */
@Injectable()
export class PlayerIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!PLAYER_ID_PATTERN.test(value)) {
      throw badRequest('playerId', 'must be 1-128 characters from A-Z a-z 0-9 _ - . : @');
    }
    return value;
  }
}

/** Validates a `{periodId}` path segment: a 10-digit period id (400 naming it otherwise). */
@Injectable()
export class PeriodIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^\d{10}$/.test(value)) throw badRequest('periodId', 'must be a 10-digit period id');
    return value;
  }
}

/** Validates a `{cohortId}` path segment: a cohort number, 1 or more (400 naming it otherwise). */
@Injectable()
export class CohortIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^[1-9]\d{0,8}$/.test(value))
      throw badRequest('cohortId', 'must be a cohort number (1, 2, …)');
    return Number(value);
  }
}
