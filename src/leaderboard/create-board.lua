-- Creates a board's configuration if it does not exist, in the current storage layout.
-- KEYS: 1 cfg, 2 ver (the version counter).
-- ARGV: field, value, ... (the whole configuration).
-- Returns 1 if created, 0 if the board already existed.
--- @include "../valkey/layout.lib"
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
redis.call('HSET', KEYS[1], 'layout', LAYOUT)
-- The version counter starts at Valkey's clock in microseconds (as text: Lua would print the
-- number in exponent form). Reads answer "<createdAt ms>.<counter>", so a board deleted and
-- created again even within the same millisecond continues above every counter value the old
-- board reached (each of its changes took Valkey more than a microsecond): no ETag or kept
-- render of the old board names the new one.
local t = redis.call('TIME')
redis.call('SET', KEYS[2], t[1] .. string.format('%06d', tonumber(t[2])))
return 1
