import { ValidationError, ValidationPipe } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { CronExpressionParser } from 'cron-parser';
import { registerDecorator, ValidateIf, ValidationOptions } from 'class-validator';
import { ProblemException, ProblemFieldError } from './problem';

/**
 * A query-string integer: decimal digits with an optional minus sign and nothing else. An
 * empty value, `1e3`, `0x10` or ` 5` becomes NaN and fails the integer check (class-transformer's
 * Number conversion would read '' as 0 — for a purge bound, a destructive surprise).
 */
export const QueryInteger = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? (/^-?\d{1,20}$/.test(value) ? Number(value) : Number.NaN) : value,
  );

/** Optional, but when present it must not be null either (unlike `@IsOptional`). */
export const IsOptionalNonNull = (): PropertyDecorator =>
  ValidateIf((_obj, value) => value !== undefined);

function simple(
  name: string,
  test: (value: unknown) => boolean,
  message: string,
  options?: ValidationOptions,
): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `$property ${message}`, ...options },
      validator: { validate: test },
    });
}

export const IsSafeInteger = (options?: ValidationOptions): PropertyDecorator =>
  simple(
    'isSafeInteger',
    (v) => typeof v === 'number' && Number.isSafeInteger(v),
    'must be an integer between -(2^53-1) and 2^53-1',
    options,
  );

export function isValidCron(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const fields = v.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) return false;
  try {
    CronExpressionParser.parse(v, { tz: 'UTC' }).next();
    return true;
  } catch {
    return false;
  }
}

export const IsCron = (): PropertyDecorator =>
  simple('isCron', isValidCron, 'must be a cron expression with 5 fields (or 6 with seconds)');

export function isTimeZone(v: unknown): boolean {
  if (typeof v !== 'string' || v.length === 0 || v.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: v });
    return true;
  } catch {
    return false;
  }
}

export const IsTimeZone = (): PropertyDecorator =>
  simple('isTimeZone', isTimeZone, 'must be an IANA time zone name such as Europe/Berlin');

export const MaxJsonBytes = (max: number): PropertyDecorator =>
  simple(
    'maxJsonBytes',
    (v) => Buffer.byteLength(JSON.stringify(v) ?? '', 'utf8') <= max,
    `must serialize to at most ${max} bytes of JSON`,
  );

export const IsPlainObject = (): PropertyDecorator =>
  simple(
    'isPlainObject',
    (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
    'must be a JSON object',
  );

/** For fields that exist only at creation: any value in an update is rejected by name. */
export const IsImmutable = (): PropertyDecorator =>
  simple('isImmutable', () => false, 'cannot be changed after the board is created');

function collect(errors: ValidationError[], prefix: string, out: ProblemFieldError[]): void {
  for (const e of errors) {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    for (const msg of Object.values(e.constraints ?? {})) {
      const message = msg.startsWith(`property ${e.property} should not exist`)
        ? 'is not a known field'
        : msg.startsWith(`${e.property} `)
          ? msg.slice(e.property.length + 1)
          : msg;
      out.push({ path, message });
    }
    if (e.children?.length) collect(e.children, path, out);
  }
}

export function validationProblem(errors: ValidationError[]): ProblemException {
  const fields: ProblemFieldError[] = [];
  collect(errors, '', fields);
  const summary = fields
    .slice(0, 3)
    .map((f) => `${f.path} ${f.message}`)
    .join('; ');
  return new ProblemException(
    400,
    'validation',
    `The request is invalid: ${summary}${fields.length > 3 ? '; …' : ''}`,
    fields,
  );
}

/** Strict DTO validation: unknown fields rejected, no implicit type coercion of JSON bodies. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationProblem(errors),
  });
}
