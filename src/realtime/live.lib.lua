-- Watch leases of a board's players, for the scripts that take, release and read them.
-- Layout (live.keys.ts): `players` zset playerId -> the latest lease end (ms) of any holder,
-- which is what the publisher reads; `holders` hash playerId -> "holder end holder end ..."
-- (each api instance's own lease on the player, so one instance can release its watch
-- without cutting another's); `pstate` the last published standing of each watched player.
-- A lease is valid while its end >= now.

-- The still-valid leases of a `holders` value, as a list of { holder, end }.
local function validHolders(raw, now)
  local out = {}
  if raw then
    for holder, leaseEnd in string.gmatch(raw, '(%S+) (%S+)') do
      if tonumber(leaseEnd) >= now then out[#out + 1] = { holder, leaseEnd } end
    end
  end
  return out
end

-- Writes a player's leases back (forgetting the entry when none is left); returns the latest
-- end, or nil when nobody holds the player any more.
local function storeHolders(holdersKey, playerId, list)
  if #list == 0 then
    redis.call('HDEL', holdersKey, playerId)
    return nil
  end
  local parts, latest = {}, nil
  for _, h in ipairs(list) do
    parts[#parts + 1] = h[1] .. ' ' .. h[2]
    if latest == nil or tonumber(h[2]) > tonumber(latest) then latest = h[2] end
  end
  redis.call('HSET', holdersKey, playerId, table.concat(parts, ' '))
  return latest
end

-- Drops every player whose latest lease ended before `now`, with its holders and its recorded
-- standing (so neither piles up).
local function dropExpiredWatches(playersKey, holdersKey, pstateKey, now)
  local gone = redis.call('ZRANGEBYSCORE', playersKey, '-inf', '(' .. now)
  if #gone == 0 then return end
  redis.call('ZREMRANGEBYSCORE', playersKey, '-inf', '(' .. now)
  for i = 1, #gone, 1000 do
    local last = math.min(i + 999, #gone)
    redis.call('HDEL', pstateKey, unpack(gone, i, last))
    redis.call('HDEL', holdersKey, unpack(gone, i, last))
  end
end
