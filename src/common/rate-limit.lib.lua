-- Fixed one-second windows kept in Valkey, so limits hold across every api instance.
-- The caller names each window's counter (the window number is part of the key's name) and
-- puts the spec at the start of ARGV: n, then n (limit, cost, field) triples, for the counters
-- at KEYS[first .. first + n - 1]. field '' = the counter is the key itself (a string);
-- otherwise it is that field of the key (a hash holding many counters of one window, e.g. a
-- board's per-player counters: a batch of 1000 players reads them in one HMGET, writes them in
-- one HSET and sets one expiry, instead of three commands and a key per player).
-- Counters expire two seconds after their key's first charge.

-- Splits ARGV into the limit count and the script's own arguments.
local function limitArgs()
  local n = tonumber(ARGV[1])
  local rest = {}
  for i = 2 + 3 * n, #ARGV do rest[#rest + 1] = ARGV[i] end
  return n, rest
end

-- Every table costs a script call time: a few counters (a read, a single submission) are read
-- and charged one command each, without any; many (a batch) in groups, see usedCounts.
local function counterUsed(key, field)
  if field == '' then return tonumber(redis.call('GET', key) or '0') end
  return tonumber(redis.call('HGET', key, field) or '0')
end

-- The used count of every counter (a list, in spec order), for many counters: one GET per
-- plain counter, one HMGET per hash of counters (the fields of one key are read together).
local function usedCounts(first, n)
  local used, groups, order = {}, {}, {}
  for i = 1, n do
    local key, field = KEYS[first + i - 1], ARGV[3 * i + 1]
    if field == '' then
      used[i] = tonumber(redis.call('GET', key) or '0')
    else
      local g = groups[key]
      if not g then
        g = { fields = {}, at = {} }
        groups[key] = g
        order[#order + 1] = key
      end
      g.fields[#g.fields + 1] = field
      g.at[#g.at + 1] = i
    end
  end
  for _, key in ipairs(order) do
    local g = groups[key]
    local values = redis.call('HMGET', key, unpack(g.fields))
    for j, i in ipairs(g.at) do used[i] = tonumber(values[j] or '0') end
  end
  return used
end

-- Returns nil if every counter has room for its cost, else { 'RATE_LIMITED', index, limit }.
-- With many counters, also the used counts it read (usedCounts' list): a script that changes no
-- counter before charging them may hand it to takeLimits, which then reads none again.
local function checkLimits(first, n)
  local used = n > 8 and usedCounts(first, n)
  for i = 1, n do
    local limit, cost = tonumber(ARGV[3 * i - 1]), tonumber(ARGV[3 * i])
    local u = used and used[i] or counterUsed(KEYS[first + i - 1], ARGV[3 * i + 1])
    if u + cost > limit then return { 'RATE_LIMITED', i, limit } end
  end
  return nil, used
end

-- Takes the costs, many counters at once: a hash's fields are read with one HMGET (unless
-- `used`, checkLimits' reading, is given) and written with one HSET. Returns the count of each
-- counter after its cost (a list, in spec order).
local function chargeMany(first, n, used)
  used = used or usedCounts(first, n)
  local after, groups, order = {}, {}, {}
  for i = 1, n do
    local cost = tonumber(ARGV[3 * i])
    local key, field = KEYS[first + i - 1], ARGV[3 * i + 1]
    if field == '' then
      after[i] = redis.call('INCRBY', key, cost)
      if after[i] == cost then redis.call('PEXPIRE', key, 2000) end
    else
      local g = groups[key]
      if not g then
        g = { total = {}, fields = {}, fresh = false }
        groups[key] = g
        order[#order + 1] = key
      end
      -- A field named twice adds up.
      local before = g.total[field]
      if before == nil then
        before = used[i]
        g.fields[#g.fields + 1] = field
        if before == 0 then g.fresh = true end
      end
      after[i] = before + cost
      g.total[field] = after[i]
    end
  end
  for _, key in ipairs(order) do
    local g = groups[key]
    local args = {}
    for j, field in ipairs(g.fields) do
      args[2 * j - 1], args[2 * j] = field, g.total[field]
    end
    redis.call('HSET', key, unpack(args))
    -- A hash that gained a field may be new: it expires 2 s after its first charge.
    if g.fresh then redis.call('PEXPIRE', key, 2000, 'NX') end
  end
  return after
end

-- Takes the costs; returns the limit and remaining count of the tightest counter. A counter
-- expires 2 s after its first charge (a hash's: after its first field's; NX keeps an expiry
-- already set). `used`: checkLimits' reading of the same counters in this script call, nothing
-- having changed them since (nil: read them).
local function takeLimits(first, n, used)
  local tightLimit, tightLeft = 0, -1
  local after = n > 8 and chargeMany(first, n, used or nil)
  for i = 1, n do
    local limit, cost = tonumber(ARGV[3 * i - 1]), tonumber(ARGV[3 * i])
    local used
    if after then
      used = after[i]
    else
      local key, field = KEYS[first + i - 1], ARGV[3 * i + 1]
      if field == '' then
        used = redis.call('INCRBY', key, cost)
        if used == cost then redis.call('PEXPIRE', key, 2000) end
      else
        used = redis.call('HINCRBY', key, field, cost)
        if used == cost then redis.call('PEXPIRE', key, 2000, 'NX') end
      end
    end
    local left = limit - used
    if tightLeft < 0 or left < tightLeft then tightLimit, tightLeft = limit, left end
  end
  return tightLimit, tightLeft
end

-- The tightest counter's limit and remaining count, taking nothing (an idempotent replay is
-- free, but still tells the client where it stands).
local function peekLimits(first, n)
  local tightLimit, tightLeft = 0, -1
  local used = n > 8 and usedCounts(first, n)
  for i = 1, n do
    local limit = tonumber(ARGV[3 * i - 1])
    local left = limit - (used and used[i] or counterUsed(KEYS[first + i - 1], ARGV[3 * i + 1]))
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
  local limited, used = checkLimits(first, n)
  if limited then return { limited }, nil end
  local limit, left = takeLimits(first, n, used)
  return { limit, left }, rest
end
