-- Drops the oldest archived period if more than ARGV[1] are kept. One period per call, so a
-- long backlog is dropped in bounded steps; UNLINK frees the memory off the main thread.
-- KEYS: 1 periods, 2 pmeta. ARGV: 1 retain, 2 archive key prefix ("{lb:id}:arc:").
-- Returns the dropped period id, or '' when nothing is left to drop.
local count = redis.call('ZCARD', KEYS[1])
if count <= tonumber(ARGV[1]) then return '' end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
local base = ARGV[2] .. oldest .. ':'
redis.call('UNLINK', base .. 'z', base .. 'h', base .. 'dz', base .. 'dc')
redis.call('ZREM', KEYS[1], oldest)
redis.call('HDEL', KEYS[2], oldest)
return oldest
