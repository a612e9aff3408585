import { HttpException } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ProblemFieldError {
  @ApiProperty({ example: 'entries.3.score' }) path!: string;
  @ApiProperty({ example: 'score must be a safe integer' }) message!: string;
}

/** RFC 9457 problem details, the body of every 4xx/5xx response. */
export class Problem {
  @ApiProperty({ example: 'https://valkran.dev/problems/validation' }) type!: string;
  @ApiProperty({ example: 'Bad Request' }) title!: string;
  @ApiProperty({ example: 400 }) status!: number;
  @ApiProperty({ example: 'The request is invalid: score must be a safe integer' }) detail!: string;
  @ApiPropertyOptional({ type: [ProblemFieldError] }) errors?: ProblemFieldError[];
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  507: 'Insufficient Storage',
};

export const PROBLEM_BASE = 'https://valkran.dev/problems/';

export function problemBody(
  status: number,
  slug: string,
  detail: string,
  errors?: ProblemFieldError[],
): Problem {
  return {
    type: `${PROBLEM_BASE}${slug}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

/** An expected failure, rendered as problem+json by the global filter. */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    slug: string,
    detail: string,
    errors?: ProblemFieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(problemBody(status, slug, detail, errors), status);
  }
}

export const badRequest = (path: string, message: string): ProblemException =>
  new ProblemException(400, 'validation', `The request is invalid: ${path}: ${message}`, [
    { path, message },
  ]);

export const notFound = (detail: string): ProblemException =>
  new ProblemException(404, 'not-found', detail);

export const conflict = (detail: string): ProblemException =>
  new ProblemException(409, 'conflict', detail);
