-- Creates a board's configuration if it does not exist.
-- KEYS: 1 cfg.
-- ARGV: field, value, ... (the whole configuration).
-- Returns 1 if created, 0 if the board already existed.
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
