-- Deletes a webhook with its delivery log (deliveries already queued find it gone and stop).
-- KEYS: 1 ids, 2 the webhook's hash, 3 its log.
-- ARGV: 1 id.
-- Returns 1 if it existed, else 0.
local existed = redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2], KEYS[3])
return existed
