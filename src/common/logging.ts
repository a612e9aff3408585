import { Logger as NestLogger, LoggerService } from '@nestjs/common';
import pino, { DestinationStream, Logger } from 'pino';
import { inspect, types } from 'node:util';
import type { AppConfig } from '../config/app-config';

/**
 * The process logger: JSON lines (pino), pretty-printed when stdout is a terminal. API keys
 * never reach it: requests are logged by method, route and status only, and the
 * authorization headers are redacted should anything log a request object.
 */
export function createRootLogger(config: AppConfig, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    base: { service: 'valkran', mode: config.mode },
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'headers.authorization'],
      censor: '[redacted]',
    },
  };
  if (destination) return pino(options, destination);
  if (process.stdout.isTTY && config.logLevel !== 'silent') {
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' },
      },
    });
  }
  return pino(options);
}

/** Routes Nest's own logging (and `new Logger(Class.name)`) into pino, context as a field. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  private write(
    level: 'info' | 'warn' | 'error' | 'debug' | 'trace' | 'fatal',
    message: unknown,
    params: unknown[],
  ): void {
    const context =
      typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    const fields: Record<string, unknown> = context ? { context } : {};
    if (level === 'error' && typeof params[0] === 'string' && params[0].includes('\n'))
      fields.stack = params[0];
    if (message && typeof message === 'object' && !(message instanceof Error)) {
      const { msg, ...rest } = message as Record<string, unknown>;
      this.logger[level]({ ...fields, ...rest }, typeof msg === 'string' ? msg : '');
    } else if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else {
      this.logger[level](fields, String(message));
    }
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }
}

type ConsoleMethod = 'error' | 'warn' | 'info' | 'log' | 'debug' | 'trace';
const CONSOLE_LEVELS: Record<ConsoleMethod, 'error' | 'warn' | 'log' | 'debug' | 'verbose'> = {
  error: 'error',
  warn: 'warn',
  info: 'log',
  log: 'log',
  debug: 'debug',
  trace: 'verbose',
};

/**
 * Every line the process writes is JSON: what libraries print to the console (BullMQ prints
 * errors its queues have no listener for, one multi-line dump per reconnect attempt while
 * Valkey is down) and Node's process warnings go through Nest's logger instead (pino, once the
 * application is created). Errors `expected` says are known (a Valkey outage, which
 * ValkeyConnections reports once per connection) go at debug.
 */
export function captureConsole(expected: (err: unknown) => boolean): void {
  const logger = new NestLogger('Console');
  const text = (args: unknown[], brief: boolean): string =>
    args
      .map((a) =>
        types.isNativeError(a)
          ? brief
            ? a.message
            : (a.stack ?? a.message)
          : typeof a === 'string'
            ? a
            : inspect(a),
      )
      .join(' ');
  for (const method of Object.keys(CONSOLE_LEVELS) as ConsoleMethod[]) {
    // eslint-disable-next-line no-console -- replacing the console is the point here
    console[method] = (...args: unknown[]): void => {
      if (args.some((a) => types.isNativeError(a) && expected(a))) logger.debug(text(args, true));
      else logger[CONSOLE_LEVELS[method]](text(args, false));
    };
  }
  process.removeAllListeners('warning');
  process.on('warning', (warning) => logger.warn(`${warning.name}: ${warning.message}`));
}
