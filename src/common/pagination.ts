import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { IsOptionalNonNull, QueryInteger } from './validation';

/** What differs between the routes that page by `?offset=&limit=`. */
export interface OffsetPageLimits {
  /** `limit` when the query sends none. */
  defaultLimit: number;
  /** The largest `limit` accepted; a larger one is a 400. */
  maxLimit: number;
  /** What `offset` skips, in the OpenAPI document (none: the route's description says it). */
  offsetDescription?: string;
}

/** A validated `?offset=&limit=` query. */
export interface OffsetPage {
  offset: number;
  limit: number;
}

/**
 * The base class of a route's `?offset=&limit=` query DTO, for `extends` (like Nest's
 * `PartialType`): `offset` is a whole number from 0 (default 0), `limit` one from 1 to
 * `maxLimit` (default `defaultLimit`); both are optional, never null, decimal digits only
 * (see `QueryInteger`). Each call makes its own class, so routes' limits never mix.
 */
export function OffsetPageQuery(limits: OffsetPageLimits): new () => OffsetPage {
  const { defaultLimit, maxLimit, offsetDescription } = limits;
  class OffsetPageQueryDto implements OffsetPage {
    @ApiPropertyOptional({
      type: 'integer',
      default: 0,
      minimum: 0,
      ...(offsetDescription === undefined ? {} : { description: offsetDescription }),
    })
    @IsOptionalNonNull()
    @QueryInteger()
    @IsInt()
    @Min(0)
    @Max(Number.MAX_SAFE_INTEGER)
    offset: number = 0;

    @ApiPropertyOptional({
      type: 'integer',
      default: defaultLimit,
      minimum: 1,
      maximum: maxLimit,
    })
    @IsOptionalNonNull()
    @QueryInteger()
    @IsInt()
    @Min(1)
    @Max(maxLimit)
    limit: number = defaultLimit;
  }
  return OffsetPageQueryDto;
}
