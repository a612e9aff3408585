-- Removes a player's entry from every stored result of one board (a player's erasure): the
-- other entries keep their ranks and rewards, as they were paid.
-- KEYS: 1 periods (the board's archived period ids).
-- ARGV: 1 playerId, 2 archive key prefix ("{lb:id}:arc:"): each period's results key is derived
--       from it (same hash tag as the declared key).
-- Returns the ids of the periods whose results held the player.
local removed = {}
for _, p in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if redis.call('HDEL', ARGV[2] .. p .. ':results', ARGV[1]) == 1 then removed[#removed + 1] = p end
end
return removed
