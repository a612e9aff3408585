-- Writing a period's standings in storage layout 2 (standings.lib.lua reads them; the layout
-- is described in leaderboard/board.keys.ts). Limits are literals (an upvalue costs each script
-- call): the bucket count grows by one split whenever the period holds more than 12 players per
-- bucket, so a bucket holds ~12 entries (up to ~24 just before its split) whatever the board's
-- size, and a read copies a few hundred bytes per row; an entry longer than 128 bytes
-- (playerId + record) keeps its record in a field of its own ('!' .. playerId) and only a stub
-- in its bucket, so buckets stay small.
--- @include "standings.lib"

-- A period's keys and its board's columns (cfg `cols`, nil = none); its bucket count (n = base +
-- split) is loaded by bucketOf when first needed. A script that looks players up more than once
-- sets P.h = {} to keep their hashes.
local function periodOf(z, r, dz, cols)
  return withColumns({ z = z, r = r, dz = dz }, cols)
end

local function fmtint(n)
  if n == 0 then return '0' end
  return string.format('%.0f', n)
end

-- seq and updatedAt are numbers, displayName and metadata strings ('' = none); tuple: '' without
-- columns, else k and the subscores in decimal, each followed by ',' ("k,s1,s2,").
local function encodeRecord(seq, updatedAt, displayName, metadata, tuple)
  -- 2^53 - 1: the last sequence number Lua counts exactly.
  if seq > 9007199254740991 then error('tie-break sequence exhausted') end
  local rec = string.format('%014x%011x', seq, updatedAt) .. (tuple or '') .. displayName
  if metadata ~= '' then rec = rec .. '\t' .. metadata end
  return rec
end

-- -> seq, updatedAt (numbers), displayName, metadata ('' = none), and with nc columns k
-- (decimal), the subscores (numbers) and their text ("s1,s2"). Neither text can hold a tab:
-- display names reject control characters and JSON escapes them.
local function decodeRecord(rec, nc)
  local seq = tonumber(string.sub(rec, 1, 14), 16)
  local at = tonumber(string.sub(rec, 15, 25), 16)
  local k, subs, subsText, from = nil, nil, nil, 26
  if nc > 0 then k, subs, subsText, from = recordTuple(rec, nc) end
  local rest = string.sub(rec, from)
  local tab = string.find(rest, '\t', 1, true)
  if tab then return seq, at, string.sub(rest, 1, tab - 1), string.sub(rest, tab + 1), k, subs, subsText end
  return seq, at, rest, '', k, subs, subsText
end

-- A bucket's string, or nil. A script that writes many records (a batch) sets P.cache = {}
-- (field -> string, false = absent), P.dirty = {} and P.dirtySet = {}: buckets are then read
-- from Valkey once, changed in the cache (so the script's later reads see its earlier writes,
-- splits included) and written once, by flushBuckets; without P.cache every read and write
-- goes to Valkey.
local function bucketGet(P, field)
  local c = P.cache
  if not c then return redis.call('HGET', P.r, field) end
  local s = c[field]
  if s == nil then
    s = redis.call('HGET', P.r, field) or false
    c[field] = s
  end
  return s or nil
end

-- Sets a bucket's string ('' = delete the field).
local function bucketSet(P, field, s)
  local c = P.cache
  if not c then
    if s == '' then redis.call('HDEL', P.r, field) else redis.call('HSET', P.r, field, s) end
    return
  end
  -- Fields are numbers: the list of changed ones and the set of them are two tables.
  if not P.dirtySet[field] then
    P.dirtySet[field] = true
    P.dirty[#P.dirty + 1] = field
  end
  c[field] = s ~= '' and s
end

-- Reads the buckets of these players in one HMGET into P.cache (before any write).
local function prefetchBuckets(P, pids)
  local fields, seen = {}, {}
  for _, pid in ipairs(pids) do
    local f = bucketOf(P, pid)
    if not seen[f] and P.cache[f] == nil then
      seen[f] = true
      fields[#fields + 1] = f
    end
  end
  if #fields == 0 then return end
  local values = redis.call('HMGET', P.r, unpack(fields))
  for n, f in ipairs(fields) do P.cache[f] = values[n] or false end
end

-- Writes the buckets changed in P.cache: one HSET, and one HDEL for emptied ones.
local function flushBuckets(P)
  local set, del = {}, {}
  for _, f in ipairs(P.dirty) do
    local s = P.cache[f]
    if s then
      set[#set + 1] = f
      set[#set + 1] = s
    else
      del[#del + 1] = f
    end
  end
  if #set > 0 then redis.call('HSET', P.r, unpack(set)) end
  if #del > 0 then redis.call('HDEL', P.r, unpack(del)) end
  P.dirty, P.dirtySet = {}, {}
end

-- Where the player's entry is: { field, s (bucket string or false), i, j, v (stored value: the
-- record or '!') }, the last three nil when the player has none.
local function locate(P, pid)
  local at = { field = bucketOf(P, pid) }
  at.s = bucketGet(P, at.field)
  if at.s then at.i, at.j, at.v = findEntry(at.s, pid) end
  return at
end

-- The record at `at` (from locate), or nil.
local function recordAt(P, pid, at)
  if at.v == '!' then return redis.call('HGET', P.r, '!' .. pid) end
  return at.v
end

-- Splits the next bucket in linear-hashing order: its entries stay, or move to bucket
-- split + base by one more bit of their hash.
local function splitNext(P)
  local base = P.base
  local split = P.n - base
  local s = bucketGet(P, split)
  P.n = P.n + 1
  if P.n == 2 * base then P.base = 2 * base end
  if s then
    local stay, move = {}, {}
    for entry in string.gmatch(s, '\n[^\n]*') do
      local pid = string.sub(entry, 2, string.find(entry, '\t', 2, true) - 1)
      if bucketOf(P, pid) == split then stay[#stay + 1] = entry else move[#move + 1] = entry end
    end
    bucketSet(P, split, table.concat(stay))
    if #move > 0 then bucketSet(P, split + base, table.concat(move)) end
  end
  redis.call('HSET', P.r, '#', P.n)
end

-- Stores the player's record at `at` (from locate), replacing any. `count`: the players in the
-- period with this one, when it is new (the bucket count grows to keep up).
local function putRecord(P, pid, at, rec, count)
  local long = #pid + #rec > 128
  local stored = long and '!' or rec
  if long then
    redis.call('HSET', P.r, '!' .. pid, rec)
  elseif at.v == '!' then
    redis.call('HDEL', P.r, '!' .. pid)
  end
  if at.i then
    if at.v ~= stored then
      bucketSet(P, at.field,
        string.sub(at.s, 1, at.i - 1) .. '\n' .. pid .. '\t' .. stored .. string.sub(at.s, at.j + 1))
    end
    return
  end
  bucketSet(P, at.field, (at.s or '') .. '\n' .. pid .. '\t' .. stored)
  if count and count > 12 * P.n then splitNext(P) end
end

-- Dense boards: after `member` (score k) was added / removed, keep dz the set of distinct k, or
-- with columns of distinct tuple prefixes (score k). The members holding a prefix are the lex
-- range [prefix, prefix .. 0xFF): a sequence's first byte is below 0x20.
local function tupleCount(P, prefix)
  return redis.call('ZLEXCOUNT', P.z, '[' .. prefix, '(' .. prefix .. '\255')
end

local function denseAdded(P, k, member)
  if P.nc > 0 then
    local prefix = string.sub(member, 1, P.skip - 7)
    if tupleCount(P, prefix) == 1 then redis.call('ZADD', P.dz, k, prefix) end
  elseif redis.call('ZCOUNT', P.z, k, k) == 1 then
    redis.call('ZADD', P.dz, k, k)
  end
end

local function denseRemoved(P, k, member)
  if P.nc > 0 then
    local prefix = string.sub(member, 1, P.skip - 7)
    if tupleCount(P, prefix) == 0 then redis.call('ZREM', P.dz, prefix) end
  elseif redis.call('ZCOUNT', P.z, k, k) == 0 then
    redis.call('ZREM', P.dz, k)
  end
end

-- Removes a player from one period, hidden or not. Returns 1 if it was there. A period left empty
-- (no visible and no hidden entry) leaves no key behind (the records hash would keep its bucket
-- count).
local function removePlayer(P, pid)
  local at = locate(P, pid)
  if not at.i then return 0 end
  local member = memberOf(P, recordAt(P, pid, at), pid)
  if at.v == '!' then redis.call('HDEL', P.r, '!' .. pid) end
  local rest = string.sub(at.s, 1, at.i - 1) .. string.sub(at.s, at.j + 1)
  if rest == '' then redis.call('HDEL', P.r, at.field) else redis.call('HSET', P.r, at.field, rest) end
  local k = redis.call('ZSCORE', P.z, member)
  redis.call('ZREM', P.z, member)
  if k and redis.call('EXISTS', P.dz) == 1 then denseRemoved(P, k, member) end
  -- Not in z: a hidden player's entry, in zh (whose records r keeps too).
  if not k then redis.call('ZREM', P.zh, member) end
  if redis.call('EXISTS', P.z) == 0 and redis.call('EXISTS', P.zh) == 0 then redis.call('UNLINK', P.r) end
  if P.removed then P.removed(pid) end
  return 1
end
