-- Removes one player from one period. KEYS: cfg, z, h, dz, dc. ARGV: playerId.
-- Returns -1 if the board does not exist, else 1 if removed, 0 if the player was not there.
local order = redis.call('HGET', KEYS[1], 'sortOrder')
if not order then return -1 end
return removePlayer(order, KEYS[2], KEYS[3], KEYS[4], KEYS[5], ARGV[1])
