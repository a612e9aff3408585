import { Logger } from '@nestjs/common';

/**
 * Runs one shutdown step with a time bound. The step's duration is logged at debug level
 * (so an operator can see where a slow stop went); a step that outlives its bound is logged
 * as a warning and left behind — shutdown goes on, because a step that waits on an
 * unreachable Valkey would otherwise hold the process until the watchdog kills it.
 *
 * Resolves with true when the step finished in time (successfully or not), false when the
 * bound cut it off.
 */
export async function shutdownStep(
  logger: Logger,
  step: string,
  boundMs: number,
  run: () => unknown,
): Promise<boolean> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const cut = new Promise<'cut'>((resolve) => {
    timer = setTimeout(() => resolve('cut'), boundMs);
    timer.unref();
  });
  let outcome: 'done' | 'failed' | 'cut';
  let error: unknown;
  try {
    const work = Promise.resolve()
      .then(run)
      .then(
        () => 'done' as const,
        (err: unknown) => {
          error = err;
          return 'failed' as const;
        },
      );
    outcome = await Promise.race([work, cut]);
  } finally {
    clearTimeout(timer);
  }
  const ms = Date.now() - started;
  if (outcome === 'cut') {
    logger.warn({ msg: `Shutdown step "${step}" took over ${boundMs} ms; moving on`, step, ms });
    return false;
  }
  if (outcome === 'failed') {
    logger.warn({
      msg: `Shutdown step "${step}" failed: ${(error as Error)?.message ?? String(error)}`,
      step,
      ms,
    });
  } else {
    logger.debug({ msg: `Shutdown step "${step}" done in ${ms} ms`, step, ms });
  }
  return true;
}
