/**
 * The global registry of hidden players (shadow-ban), one hash tag of its own so its scripts stay
 * in one cluster slot. Each board keeps a copy of the ids in `{lb:id}:hidden` (board.keys.ts).
 *
 *   {valkran:hidden}:players  hash playerId -> "<hiddenAt ms>\t<reason>": who is hidden now
 *   {valkran:hidden}:changes  hash playerId -> the number of the player's last change (kept after
 *                             they are shown again: a pass over the boards compares it)
 *   {valkran:hidden}:seq      counter: every change, numbered (board creation compares it)
 */
export const HIDDEN_REGISTRY_KEYS = {
  players: '{valkran:hidden}:players',
  changes: '{valkran:hidden}:changes',
  seq: '{valkran:hidden}:seq',
} as const;
