-- The top-N sizes and players with an unexpired watch lease, dropping expired leases and the
-- recorded standing of every player nobody watches any more (so player states never pile up).
-- KEYS: 1 tops, 2 players, 3 pstate.
-- ARGV: 1 now (ms).
-- Returns { tops, players }.
local TOPS, PLAYERS, PSTATE = 1, 2, 3
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[TOPS], '-inf', '(' .. now)
local gone = redis.call('ZRANGEBYSCORE', KEYS[PLAYERS], '-inf', '(' .. now)
if #gone > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[PLAYERS], '-inf', '(' .. now)
  for i = 1, #gone, 1000 do
    redis.call('HDEL', KEYS[PSTATE], unpack(gone, i, math.min(i + 999, #gone)))
  end
end
return { redis.call('ZRANGE', KEYS[TOPS], 0, -1), redis.call('ZRANGE', KEYS[PLAYERS], 0, -1) }
