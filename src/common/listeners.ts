/**
 * An in-process hook: other features subscribe, the owner emits and awaits every listener in
 * order. Lets a feature announce something (a board saved, stats computed, a period reset)
 * without depending on who listens.
 */
export class Listeners<E> {
  private readonly fns: ((event: E) => Promise<void>)[] = [];

  subscribe(fn: (event: E) => Promise<void>): void {
    this.fns.push(fn);
  }

  /** Awaits each listener in turn; `onError` (if given) keeps one failure from stopping the rest. */
  async emit(event: E, onError?: (err: unknown) => void): Promise<void> {
    for (const fn of this.fns) {
      if (onError) await fn(event).catch(onError);
      else await fn(event);
    }
  }
}
