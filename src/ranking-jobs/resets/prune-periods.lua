-- Drops the oldest archived period if more than `retain` are kept. One period per call, so a
-- long backlog is dropped in bounded steps.
-- KEYS: 1 periods, 2 pmeta.
-- ARGV: 1 retain, 2 archive key prefix ("{lb:id}:arc:").
-- Returns the dropped period id, or '' when nothing is left to drop.
--- @include "../../valkey/board.lib"
local PERIODS, PMETA = 1, 2
local count = redis.call('ZCARD', KEYS[PERIODS])
if count <= tonumber(ARGV[1]) then return '' end
local oldest = redis.call('ZRANGE', KEYS[PERIODS], 0, 0)[1]
unlinkArchivedPeriod(ARGV[2], oldest)
redis.call('ZREM', KEYS[PERIODS], oldest)
redis.call('HDEL', KEYS[PMETA], oldest)
return oldest
