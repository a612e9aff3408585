#!lua flags=no-writes
-- A player's attempts in the current period of a tournament board (valkey/tournament.lib.lua).
-- KEYS: 1 cfg, 2 entrants. ARGV: 1 playerId.
-- Returns { counting ('1' = the board counts attempts, '' = it does not), attempts,
-- maxAttempts ('' = unlimited) }.
--- @include "../valkey/tournament.lib"
return attemptsOf(KEYS[1], KEYS[2], ARGV[1])
