/**
 * Polls `check` every `intervalMs` until it returns a truthy value or the timeout passes (then
 * throws). Tests wait for what they expect to happen with this, never with a fixed sleep.
 */
export async function waitFor<T>(
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 10_000,
  what = 'condition',
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Runs `steps` inside one one-second window (the rate limits' windows are wall-clock seconds,
 * src/common/rate-limiter.ts): starts 20 ms after a window begins and, if a stall made the
 * steps cross into the next window, runs them again from the next window's start (each attempt
 * starts in a window nothing has charged yet). The third attempt's outcome stands, crossed or
 * not, so a body that cannot fit in a second fails loudly rather than retrying forever.
 */
export async function inOneWindow(steps: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    // Fixed wait on purpose: start just after a window begins (no condition to wait for).
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
    const second = Math.floor(Date.now() / 1000);
    let failure: Error | null = null;
    try {
      await steps();
    } catch (err) {
      failure = err as Error;
    }
    if (Math.floor(Date.now() / 1000) === second || attempt === 3) {
      if (failure) throw failure;
      return;
    }
  }
}
