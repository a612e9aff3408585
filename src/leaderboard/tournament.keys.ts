import { boardTag } from '../valkey/keys';

/**
 * The tournament key family of a board (see valkey/keys.ts for the rule all keys follow):
 *
 *   {lb:id}:entrants   hash: the current period's entrants (valkey/tournament.lib.lua).
 *                      Field `#period` names the period the hash belongs to; every other field is
 *                      a playerId holding a seat, its value the player's accepted submissions
 *                      (attempts) in that period ("0": joined, nothing submitted yet). Player ids
 *                      never contain '#'. A hash left by an older period is dropped by the first
 *                      write of the next one (the reset script need not know it); the board's
 *                      deletion drops it; erasing a player removes their field.
 */
export const entrantsKey = (boardId: string): string => `${boardTag(boardId)}:entrants`;
