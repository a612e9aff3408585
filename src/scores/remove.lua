-- Removes one player from one period.
-- KEYS: 1 cfg, 2 z, 3 r, 4 dz (of the current period), 5 ver.
-- ARGV: 1 playerId.
-- Returns -1 if the board does not exist, else 1 if removed, 0 if the player was not there.
--- @include "../valkey/layout.lib"
--- @include "../valkey/standings.lib"
--- @include "../valkey/standings-write.lib"
--- @include "../valkey/cohorts.lib"
local CFG, Z, R, DZ, VER = 1, 2, 3, 4, 5
local c = redis.call('HMGET', KEYS[CFG], 'sortOrder', 'layout', 'cols')
if not c[1] then return -1 end
requireLayout(KEYS[CFG], c[2])
local removed = removePlayer(periodOf(KEYS[Z], KEYS[R], KEYS[DZ], c[3]), ARGV[1])
if removed == 1 then cohortRemovedFrom(KEYS[CFG], ARGV[1]) end
if removed == 1 then bumpVersion(KEYS[VER]) end
return removed
