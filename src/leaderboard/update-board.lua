-- Updates fields of an existing board. KEYS: cfg. ARGV: field, value, ...
-- Returns 1 if updated, 0 if the board does not exist.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
