-- Drops the oldest archived period if more than `retain` are kept. One period per call, so a
-- long backlog is dropped in bounded steps. Works in any storage layout.
-- KEYS: 1 periods, 2 pmeta, 3 cfg, 4 ver, 5 results-pending.
-- ARGV: 1 retain, 2 archive key prefix ("{lb:id}:arc:"): the period's keys are derived from it
--       (same hash tag as the declared keys).
-- Returns the dropped period id, or '' when nothing is left to drop (or the oldest period's
-- results are not written yet: it stays until they are, then goes with them).
--- @include "../../valkey/board.lib"
--- @include "../../valkey/layout.lib"
local PERIODS, PMETA, CFG, VER, PENDING = 1, 2, 3, 4, 5
local count = redis.call('ZCARD', KEYS[PERIODS])
if count <= tonumber(ARGV[1]) then return '' end
local oldest = redis.call('ZRANGE', KEYS[PERIODS], 0, 0)[1]
if redis.call('HEXISTS', KEYS[PENDING], oldest) == 1 then return '' end
unlinkArchivedPeriod(ARGV[2], oldest)
redis.call('ZREM', KEYS[PERIODS], oldest)
redis.call('HDEL', KEYS[PMETA], oldest)
-- An archived period's reads now answer 404; a deleted board gets no counter back.
if redis.call('EXISTS', KEYS[CFG]) == 1 then bumpVersion(KEYS[VER]) end
return oldest
