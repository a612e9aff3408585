-- Erases a player from one board: the current period and every archived one, atomically (a
-- reset cannot slip between the periods).
-- KEYS: 1 cfg, 2 z, 3 h, 4 dz, 5 dc (of the current period), 6 periods.
-- ARGV: 1 playerId, 2 archive key prefix ("{lb:id}:arc:").
-- Returns the ids of the periods the player was removed from (the current one first).
--- @include "../valkey/standings.lib"
--- @include "../valkey/board.lib"
local CFG, Z, H, DZ, DC, PERIODS = 1, 2, 3, 4, 5, 6
local cfg = redis.call('HMGET', KEYS[CFG], 'sortOrder', 'period')
if not cfg[1] then return {} end
local order, pid, removed = cfg[1], ARGV[1], {}
if removePlayer(order, KEYS[Z], KEYS[H], KEYS[DZ], KEYS[DC], pid) == 1 then removed[#removed + 1] = cfg[2] end
for _, p in ipairs(redis.call('ZRANGE', KEYS[PERIODS], 0, -1)) do
  local z, h, dz, dc = archivedPeriodKeys(ARGV[2], p)
  if removePlayer(order, z, h, dz, dc, pid) == 1 then removed[#removed + 1] = p end
end
return removed
