-- Erases a player from one board: the current period and every archived one, atomically (a
-- reset cannot slip between the periods). Archive keys share the board's hash tag.
-- KEYS: 1 cfg, 2 cur z, 3 cur h, 4 cur dz, 5 cur dc, 6 periods.
-- ARGV: 1 playerId, 2 archive key prefix ("{lb:id}:arc:").
-- Returns the ids of the periods the player was removed from (the current one first).
local cfg = redis.call('HMGET', KEYS[1], 'sortOrder', 'period')
if not cfg[1] then return {} end
local order, pid, removed = cfg[1], ARGV[1], {}
if removePlayer(order, KEYS[2], KEYS[3], KEYS[4], KEYS[5], pid) == 1 then removed[#removed + 1] = cfg[2] end
for _, p in ipairs(redis.call('ZRANGE', KEYS[6], 0, -1)) do
  local base = ARGV[2] .. p .. ':'
  if removePlayer(order, base .. 'z', base .. 'h', base .. 'dz', base .. 'dc', pid) == 1 then
    removed[#removed + 1] = p
  end
end
return removed
