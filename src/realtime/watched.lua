-- The top-N sizes and players with an unexpired watch lease (at most the board's cap: see
-- watch.lua), dropping expired leases and the recorded standing of every player nobody watches
-- any more (so player states never pile up; a standing recorded by a publish that raced a
-- release is swept here too).
-- KEYS: 1 tops, 2 players, 3 pstate, 4 holders.
-- ARGV: 1 now (ms).
-- Returns { tops, players }.
--- @include "live.lib"
local TOPS, PLAYERS, PSTATE, HOLDERS = 1, 2, 3, 4
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[TOPS], '-inf', '(' .. now)
dropExpiredWatches(KEYS[PLAYERS], KEYS[HOLDERS], KEYS[PSTATE], now)
if redis.call('HLEN', KEYS[PSTATE]) > redis.call('ZCARD', KEYS[PLAYERS]) then
  for _, pid in ipairs(redis.call('HKEYS', KEYS[PSTATE])) do
    if not redis.call('ZSCORE', KEYS[PLAYERS], pid) then redis.call('HDEL', KEYS[PSTATE], pid) end
  end
end
return { redis.call('ZRANGE', KEYS[TOPS], 0, -1), redis.call('ZRANGE', KEYS[PLAYERS], 0, -1) }
