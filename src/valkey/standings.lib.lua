-- Shared helpers for every script that reads or writes a period's standings.
-- Layout (see keys.ts): zset member = 14 hex digits of the board's tie-break sequence followed
-- by the playerId; zset score k = -score on desc boards, score on asc boards, so ascending
-- order is always "best first" and equal k values order by sequence: first to reach, first.
-- Scores travel as decimal strings; Lua numbers are only used where they are exact
-- (|n| <= 2^53), and never formatted with tostring (which keeps only 14 digits).
local SEQ_WIDTH = 14

local function neg(s)
  if s == '0' then return '0' end
  if string.sub(s, 1, 1) == '-' then return string.sub(s, 2) end
  return '-' .. s
end

local function fmtint(n)
  if n == 0 then return '0' end
  return string.format('%.0f', n)
end

local function toK(order, score)
  if order == 'desc' then return neg(score) end
  return score
end

-- "seq\tupdatedAt\tscore\tdisplayName\tmetadata" -> seq, updatedAt, score, displayName, metadata
local function unpackEntry(v)
  local a = string.find(v, '\t', 1, true)
  local b = string.find(v, '\t', a + 1, true)
  local c = string.find(v, '\t', b + 1, true)
  local d = string.find(v, '\t', c + 1, true)
  return string.sub(v, 1, a - 1), string.sub(v, a + 1, b - 1), string.sub(v, b + 1, c - 1),
    string.sub(v, c + 1, d - 1), string.sub(v, d + 1)
end

local function rankOf(rankMode, z, dz, member, k)
  if rankMode == 'competition' then
    return redis.call('ZCOUNT', z, '-inf', '(' .. k) + 1
  elseif rankMode == 'dense' then
    return redis.call('ZCOUNT', dz, '-inf', '(' .. k) + 1
  end
  return redis.call('ZRANK', z, member) + 1
end

-- Zset positions [start, stop] as a flat list of (playerId, packed entry, rank) triples.
-- O(log N + M): one ZRANGE, at most one ZCOUNT, one HGET per row.
local function renderRange(rankMode, z, h, dz, start, stop)
  local out = {}
  if stop < start then return out end
  local rows = redis.call('ZRANGE', z, start, stop, 'WITHSCORES')
  local rank, prevK = 0, nil
  for i = 1, #rows, 2 do
    local member, k = rows[i], rows[i + 1]
    local pos = start + (i + 1) / 2
    if rankMode == 'ordinal' then
      rank = pos
    elseif prevK == nil then
      rank = rankOf(rankMode, z, dz, member, k)
    elseif k ~= prevK then
      if rankMode == 'competition' then rank = pos else rank = rank + 1 end
    end
    prevK = k
    local pid = string.sub(member, SEQ_WIDTH + 1)
    out[#out + 1] = pid
    out[#out + 1] = redis.call('HGET', h, pid) or ''
    out[#out + 1] = rank
  end
  return out
end

-- Header every read returns: status, current period id, its start, member count, tiers JSON.
local function readHeader(cfgKey, z)
  local cfg = redis.call('HMGET', cfgKey, 'rankMode', 'period', 'periodStartedAt', 'tiers')
  if not cfg[1] then return nil, nil end
  return cfg[1], { 'OK', cfg[2], cfg[3], redis.call('ZCARD', z), cfg[4] }
end

local function denseAdd(dz, dc, k)
  if redis.call('HINCRBY', dc, k, 1) == 1 then redis.call('ZADD', dz, k, k) end
end

local function denseRemove(dz, dc, k)
  if redis.call('HINCRBY', dc, k, -1) <= 0 then
    redis.call('HDEL', dc, k)
    redis.call('ZREM', dz, k)
  end
end

-- Removes a player from one period's keys. Returns 1 if it was there.
local function removePlayer(order, z, h, dz, dc, pid)
  local v = redis.call('HGET', h, pid)
  if not v then return 0 end
  local seq, _, score = unpackEntry(v)
  redis.call('ZREM', z, seq .. pid)
  redis.call('HDEL', h, pid)
  if redis.call('EXISTS', dc) == 1 then denseRemove(dz, dc, toK(order, score)) end
  return 1
end
