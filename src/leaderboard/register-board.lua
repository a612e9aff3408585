-- Admits a board id to the registry unless the registry is full: the cap on the number of
-- boards, atomic across every api instance. An id already registered is always admitted (a
-- board created again after a crash, or one that exists: the create script says 409).
-- KEYS: 1 the registry (zset, every score 0, so ordered by id).
-- ARGV: 1 board id, 2 most boards (0 = no cap).
-- Returns 1 if admitted, 0 if the registry is full.
local REGISTRY = 1
local id, max = ARGV[1], tonumber(ARGV[2])
if redis.call('ZSCORE', KEYS[REGISTRY], id) then return 1 end
if max > 0 and redis.call('ZCARD', KEYS[REGISTRY]) >= max then return 0 end
redis.call('ZADD', KEYS[REGISTRY], 0, id)
return 1
