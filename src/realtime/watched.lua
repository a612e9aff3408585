-- The top-N sizes and players with an unexpired watch lease, dropping expired leases and the
-- recorded standing of every player nobody watches any more (so player states never pile up).
-- KEYS: tops, players, pstate. ARGV: now (ms). Returns { tops, players }.
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. now)
local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. now)
if #gone > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. now)
  for i = 1, #gone, 1000 do
    redis.call('HDEL', KEYS[3], unpack(gone, i, math.min(i + 999, #gone)))
  end
end
return { redis.call('ZRANGE', KEYS[1], 0, -1), redis.call('ZRANGE', KEYS[2], 0, -1) }
