-- Drops cohort keys nothing reads any more, in bounded steps: a period's cohorts once the
-- period is neither current nor archived (pruned beyond retainPeriods) nor still being settled,
-- and every cohort key of a board generation that is gone (the board deleted, or deleted and
-- created again). At most ARGV[1] cohorts' keys per call, one period at most.
-- KEYS: 1 cfg, 2 periods (the board's archived periods), 3 {lb:id}:co:gens. The cohort keys
--       derive from the cfg key (see valkey/cohorts.lib.lua).
-- ARGV: 1 most cohorts per step.
-- Returns 1 when more may be left to drop, 0 when nothing is.
local CFG, PERIODS, GENS = 1, 2, 3
local tag = string.sub(KEYS[CFG], 1, -4)
local cfg = redis.call('HMGET', KEYS[CFG], 'createdAt', 'period')
local budget = tonumber(ARGV[1])
for _, g in ipairs(redis.call('SMEMBERS', KEYS[GENS])) do
  local root = tag .. 'co:' .. g .. ':'
  local live = g == cfg[1]
  for _, p in ipairs(redis.call('ZRANGE', root .. 'periods', 0, -1)) do
    local keep = live and (p == cfg[2] or redis.call('ZSCORE', KEYS[PERIODS], p)
      or redis.call('ZSCORE', root .. 'pending', p))
    if not keep then
      local per = root .. p .. ':'
      local n = tonumber(redis.call('HGET', per .. 'h', 'n') or '0')
      local stop = math.max(0, n - budget)
      for c = n, stop + 1, -1 do redis.call('UNLINK', per .. 'c' .. c, per .. 'd' .. c) end
      if stop > 0 then
        redis.call('HSET', per .. 'h', 'n', stop)
        return 1
      end
      redis.call('UNLINK', per .. 'h', per .. 'm', per .. 'mv', per .. 'mvh')
      redis.call('ZREM', root .. 'periods', p)
      redis.call('ZREM', root .. 'pending', p)
      return 1
    end
  end
  if not live then
    redis.call('UNLINK', root .. 'lg', root .. 'lgc', root .. 'periods', root .. 'pending', root .. 'announce')
    redis.call('SREM', KEYS[GENS], g)
    return 1
  end
end
return 0
