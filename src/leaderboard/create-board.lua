-- Creates a board's configuration if it does not exist, in the current storage layout.
-- KEYS: 1 cfg.
-- ARGV: field, value, ... (the whole configuration).
-- Returns 1 if created, 0 if the board already existed.
--- @include "../valkey/layout.lib"
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
redis.call('HSET', KEYS[1], 'layout', LAYOUT)
return 1
