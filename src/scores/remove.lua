-- Removes one player from one period.
-- KEYS: 1 cfg, 2 z, 3 h, 4 dz, 5 dc (of the current period).
-- ARGV: 1 playerId.
-- Returns -1 if the board does not exist, else 1 if removed, 0 if the player was not there.
--- @include "../valkey/standings.lib"
local CFG, Z, H, DZ, DC = 1, 2, 3, 4, 5
local order = redis.call('HGET', KEYS[CFG], 'sortOrder')
if not order then return -1 end
return removePlayer(order, KEYS[Z], KEYS[H], KEYS[DZ], KEYS[DC], ARGV[1])
