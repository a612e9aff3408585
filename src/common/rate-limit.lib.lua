-- Fixed one-second windows kept in Valkey, so limits hold across every api instance.
-- The caller names each window's counter key (the window number is part of the name) and
-- puts the spec at the start of ARGV: n, then n (limit, cost) pairs, for the counters at
-- KEYS[first .. first + n - 1]. Counters expire after two seconds.

-- Splits ARGV into the limit count and the script's own arguments.
local function limitArgs()
  local n = tonumber(ARGV[1])
  local rest = {}
  for i = 2 + 2 * n, #ARGV do rest[#rest + 1] = ARGV[i] end
  return n, rest
end

-- Returns nil if every counter has room for its cost, else { 'RATE_LIMITED', index, limit }.
local function checkLimits(first, n)
  for i = 1, n do
    local limit, cost = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
    local used = tonumber(redis.call('GET', KEYS[first + i - 1]) or '0')
    if used + cost > limit then return { 'RATE_LIMITED', i, limit } end
  end
  return nil
end

-- Takes the costs; returns the limit and remaining count of the tightest counter.
local function takeLimits(first, n)
  local tightLimit, tightLeft = 0, -1
  for i = 1, n do
    local limit, cost = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
    local key = KEYS[first + i - 1]
    local used = redis.call('INCRBY', key, cost)
    if used == cost then redis.call('PEXPIRE', key, 2000) end
    local left = limit - used
    if tightLeft < 0 or left < tightLeft then tightLimit, tightLeft = limit, left end
  end
  return tightLimit, tightLeft
end

-- The tightest counter's limit and remaining count, taking nothing (an idempotent replay is
-- free, but still tells the client where it stands).
local function peekLimits(first, n)
  local tightLimit, tightLeft = 0, -1
  for i = 1, n do
    local limit = tonumber(ARGV[2 * i])
    local left = limit - tonumber(redis.call('GET', KEYS[first + i - 1]) or '0')
    if left < 0 then left = 0 end
    if tightLeft < 0 or left < tightLeft then tightLimit, tightLeft = limit, left end
  end
  return tightLimit, tightLeft
end

-- For a read that charges the per-IP read limit itself (one round trip instead of two): checks
-- and takes the counters at KEYS[first ..]. Returns ({ limit, remaining }, the script's own
-- arguments), with limit 0 when there is no counter, or ({ { 'RATE_LIMITED', index, limit } },
-- nil) when a counter has no room.
local function readLimit(first)
  local n, rest = limitArgs()
  local limited = checkLimits(first, n)
  if limited then return { limited }, nil end
  local limit, left = takeLimits(first, n)
  return { limit, left }, rest
end
