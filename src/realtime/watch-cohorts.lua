-- Takes or extends watch leases on players' cohorts (`subscribe {cohortOf}`), only while the
-- board exists; expired leases are dropped first. A lease is never shortened; leases are not
-- released early (nobody else's cut short): they lapse WATCH_LEASE_MS after the last renewal.
-- KEYS: 1 cfg, 2 cohorts (zset playerId -> lease expiry ms).
-- ARGV: 1 now, 2 expiry, 3 the board's cap (0 = none), 4 key ttl ms, 5.. playerIds.
-- Returns { 'OK' }, { 'FULL', watched } (nothing written) or { 'GONE' }.
local CFG, COHORTS = 1, 2
if redis.call('EXISTS', KEYS[CFG]) == 0 then return { 'GONE' } end
redis.call('ZREMRANGEBYSCORE', KEYS[COHORTS], '-inf', '(' .. ARGV[1])
local cap, fresh = tonumber(ARGV[3]), 0
for i = 5, #ARGV do
  if not redis.call('ZSCORE', KEYS[COHORTS], ARGV[i]) then fresh = fresh + 1 end
end
local watched = redis.call('ZCARD', KEYS[COHORTS])
if cap > 0 and fresh > 0 and watched + fresh > cap then return { 'FULL', watched } end
for i = 5, #ARGV do redis.call('ZADD', KEYS[COHORTS], 'GT', ARGV[2], ARGV[i]) end
redis.call('PEXPIRE', KEYS[COHORTS], ARGV[4])
return { 'OK' }
