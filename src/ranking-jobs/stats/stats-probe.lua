#!lua flags=no-writes
-- Reads what the stats need from the current period in O((I + R) log N), never a scan:
-- the k value at I rank indices (negative counts from the worst) and the member count in R
-- inclusive k ranges. KEYS: 1 cfg, 2 z, 3 seq. ARGV: I, index..., then lo, hi pairs.
-- Returns { {'OK', periodId, total, seq}, {k or '' per index}, {count per range} }.
local period = redis.call('HGET', KEYS[1], 'period')
if not period then return { { 'NOT_FOUND' } } end
local head = { 'OK', period, redis.call('ZCARD', KEYS[2]), redis.call('GET', KEYS[3]) or '0' }
local n = tonumber(ARGV[1])
local ks, counts = {}, {}
for i = 2, n + 1 do
  local row = redis.call('ZRANGE', KEYS[2], ARGV[i], ARGV[i], 'WITHSCORES')
  ks[#ks + 1] = row[2] or ''
end
for i = n + 2, #ARGV, 2 do
  counts[#counts + 1] = redis.call('ZCOUNT', KEYS[2], ARGV[i], ARGV[i + 1])
end
return { head, ks, counts }
