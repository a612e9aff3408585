/// <reference lib="dom" />
import type { Api } from './api';

/** What a view gets: the API, the element it renders into, and the page's few services. */
export interface ViewContext {
  api: Api;
  root: HTMLElement;
  /** False once the operator has navigated away: late answers must not touch the page. */
  current(): boolean;
  /** A message at the top of the page (also announced to screen readers). */
  flash(text: string, kind?: 'ok' | 'error'): void;
  go(hash: string): void;
  /** Asks before something destructive; with `typed`, the operator must type it to confirm. */
  confirm(message: string, typed?: string): Promise<boolean>;
}
