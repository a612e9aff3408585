#!lua flags=no-writes
-- Reads what the stats need from the current period in O((I + R) log N), never a scan:
-- the k value (and, on a board with tie-break columns, the subscores) at I rank indices
-- (negative counts from the worst) and the member count in R inclusive k ranges.
-- KEYS: 1 cfg, 2 z (of the current period), 3 seq.
-- ARGV: 1 I, then I rank indices, then R (lo, hi) k pairs.
-- Returns { {'OK', periodId, total, seq}, {k or '' per index}, {count per range}, {subscores
-- "s1,s2" or '' per index} }, or { {'NOT_FOUND'} }. Refuses (LAYOUT error) a board whose
-- migration has not finished.
--- @include "../../valkey/layout.lib"
--- @include "../../valkey/standings.lib"
local CFG, Z, SEQ = 1, 2, 3
local cfg = redis.call('HMGET', KEYS[CFG], 'period', 'layout', 'cols')
local period = cfg[1]
if not period then return { { 'NOT_FOUND' } } end
requireLayout(KEYS[CFG], cfg[2])
local P = withColumns({ z = KEYS[Z] }, cfg[3])
local head = { 'OK', period, redis.call('ZCARD', KEYS[Z]), redis.call('GET', KEYS[SEQ]) or '0' }
local n = tonumber(ARGV[1])
local ks, counts, subs = {}, {}, {}
for i = 2, n + 1 do
  local row = redis.call('ZRANGE', KEYS[Z], ARGV[i], ARGV[i], 'WITHSCORES')
  ks[#ks + 1] = row[2] or ''
  subs[#subs + 1] = (row[1] and P.nc > 0) and memberSubscores(P, row[1]) or ''
end
for i = n + 2, #ARGV, 2 do
  counts[#counts + 1] = redis.call('ZCOUNT', KEYS[Z], ARGV[i], ARGV[i + 1])
end
return { head, ks, counts, subs }
