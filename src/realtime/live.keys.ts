import { boardTag } from '../valkey/keys';

export type LiveKey =
  'snap' | 'tops' | 'players' | 'holders' | 'pstate' | 'gate' | 'cohorts' | 'csnap';
export const LIVE_KEYS: readonly LiveKey[] = [
  'snap',
  'tops',
  'players',
  'holders',
  'pstate',
  'gate',
  'cohorts',
  'csnap',
];

/**
 * Live-update state of a board, `{lb:id}:live:<what>`: `tops` and `players` (watch leases),
 * `holders` (each api instance's own lease on a watched player), `snap` (last published snapshot), `pstate` (last published player standings), `gate`
 * (the publish rate slot), `cohorts` (watch leases on players' cohorts, `subscribe {cohortOf}`)
 * and `csnap` (the cohort list last published per such player).
 */
export const liveKey = (boardId: string, what: LiveKey): string =>
  `${boardTag(boardId)}:live:${what}`;
