/// <reference lib="dom" />
/**
 * The admin key lives in sessionStorage only: gone when the tab closes, never in a cookie
 * (nothing sends it by itself) and never in a URL (no history, logs or Referer carry it).
 */
const KEY = 'valkran.adminKey';

export const session = {
  key(): string | null {
    try {
      return sessionStorage.getItem(KEY);
    } catch {
      return null;
    }
  },
  signIn(key: string): void {
    sessionStorage.setItem(KEY, key);
  },
  signOut(): void {
    sessionStorage.removeItem(KEY);
  },
};
