-- Registers a webhook unless `max` exist already.
-- KEYS: 1 ids, 2 the webhook's hash.
-- ARGV: 1 max, 2 id, 3 createdAt (ms), then field, value, ...
-- Returns 1 if created, 0 at the limit.
local IDS, HOOK = 1, 2
if redis.call('ZCARD', KEYS[IDS]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[IDS], ARGV[3], ARGV[2])
redis.call('HSET', KEYS[HOOK], unpack(ARGV, 4))
return 1
