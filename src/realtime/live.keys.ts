import { boardTag } from '../valkey/keys';

export type LiveKey = 'snap' | 'tops' | 'players' | 'holders' | 'pstate' | 'gate';
export const LIVE_KEYS: readonly LiveKey[] = [
  'snap',
  'tops',
  'players',
  'holders',
  'pstate',
  'gate',
];

/**
 * Live-update state of a board, `{lb:id}:live:<what>`: `tops` and `players` (watch leases),
 * `holders` (each api instance's own lease on a watched player), `snap` (last published snapshot), `pstate` (last published player standings), `gate`
 * (the publish rate slot).
 */
export const liveKey = (boardId: string, what: LiveKey): string =>
  `${boardTag(boardId)}:live:${what}`;
