-- Changes fields of an existing webhook (a deleted one is not brought back).
-- KEYS: 1 the webhook's hash.
-- ARGV: field, value, ...
-- Returns 1 if updated, 0 if there is no such webhook.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
