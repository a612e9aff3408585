-- Erases a player from one board: the current period and every archived one, atomically (a
-- reset cannot slip between the periods).
-- KEYS: 1 cfg, 2 z, 3 r, 4 dz (of the current period), 5 periods, 6 ver, 7 entrants.
-- ARGV: 1 playerId, 2 archive key prefix ("{lb:id}:arc:"): the archived periods' keys are
--       derived from it (same hash tag as cfg).
-- Returns the ids of the periods the player was removed from (the current one first).
--- @include "../valkey/board.lib"
--- @include "../valkey/layout.lib"
--- @include "../valkey/standings.lib"
--- @include "../valkey/standings-write.lib"
--- @include "../valkey/tournament.lib"
--- @include "../valkey/cohorts.lib"
local CFG, Z, R, DZ, PERIODS, VER = 1, 2, 3, 4, 5, 6
local cfg = redis.call('HMGET', KEYS[CFG], 'period', 'layout', 'cols')
if not cfg[1] then return {} end
requireLayout(KEYS[CFG], cfg[2])
local pid, removed = ARGV[1], {}
if removePlayer(periodOf(KEYS[Z], KEYS[R], KEYS[DZ], cfg[3]), pid) == 1 then removed[#removed + 1] = cfg[1] end
for _, p in ipairs(redis.call('ZRANGE', KEYS[PERIODS], 0, -1)) do
  local z, r, dz = archivedPeriodKeys(ARGV[2], p)
  if removePlayer(periodOf(z, r, dz, cfg[3]), pid) == 1 then removed[#removed + 1] = p end
end
forgetEntrant(KEYS[7], pid) -- a tournament seat and attempts (valkey/tournament.lib.lua)
cohortEraseFrom(KEYS[CFG], pid)
if #removed > 0 then bumpVersion(KEYS[VER]) end
return removed
