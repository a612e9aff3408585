-- Marks a board as stored in layout 2 once none of its periods holds layout-1 records any more
-- (migrate-period.lua converts them), and moves its version.
-- KEYS: 1 cfg, 2 periods, 3 the current period's layout-1 hash (h), 4 ver.
-- ARGV: 1 archive key prefix ("{lb:id}:arc:"): the archived periods' layout-1 hashes are
--       derived from it (same hash tag as cfg).
-- Returns { 'DONE' }, { 'PENDING', period id ('' = current) } when a period still holds
-- layout-1 records, or { 'GONE' } when the board does not exist.
--- @include "../valkey/layout.lib"
local CFG, PERIODS, H, VER = 1, 2, 3, 4
local c = redis.call('HMGET', KEYS[CFG], 'sortOrder', 'layout')
if not c[1] then return { 'GONE' } end
if c[2] == LAYOUT then return { 'DONE' } end
if redis.call('EXISTS', KEYS[H]) == 1 then return { 'PENDING', '' } end
for _, p in ipairs(redis.call('ZRANGE', KEYS[PERIODS], 0, -1)) do
  if redis.call('EXISTS', ARGV[1] .. p .. ':h') == 1 then return { 'PENDING', p } end
end
redis.call('HSET', KEYS[CFG], 'layout', LAYOUT)
bumpVersion(KEYS[VER])
return { 'DONE' }
