-- Converts about `count` players of one period of a layout-1 board to layout 2 (board.keys.ts),
-- atomically, so the migration blocks Valkey in bounded steps and any number of processes may
-- run it at once: each call scans on from a cursor through the players still in the layout-1
-- hash, and removes the ones it converts. The new zset is built under `zn`; the call that
-- empties the period's layout-1 hash gives it the zset's name (`z`) and drops the counts hash.
-- The dense zset (dz) is the same in both layouts.
-- KEYS: 1 cfg, 2 periods, then the period's keys: 3 z, 4 h, 5 dc (layout 1), 6 zn, 7 r, 8 dz.
-- ARGV: 1 the archived period's id ('' = the current period), 2 count, 3 HSCAN cursor ('0' to
--       start; a cursor from another process or an earlier run is fine too).
-- Returns { 'MORE', players left, next cursor }, { 'PERIOD_DONE' }, { 'DONE' } (the board is in
-- layout 2 already) or { 'GONE' } (no such board, or the archived period was dropped).
--- @include "../valkey/layout.lib"
--- @include "../valkey/standings.lib"
--- @include "../valkey/standings-write.lib"
local CFG, PERIODS, Z, H, DC, ZN, R, DZ = 1, 2, 3, 4, 5, 6, 7, 8
local c = redis.call('HMGET', KEYS[CFG], 'sortOrder', 'layout')
if not c[1] then return { 'GONE' } end
if c[2] == LAYOUT then return { 'DONE' } end
if ARGV[1] ~= '' and not redis.call('ZSCORE', KEYS[PERIODS], ARGV[1]) then return { 'GONE' } end
local order = c[1]

-- A layout-1 record: "seq(14 hex)\tupdatedAt\tscore\tdisplayName\tmetadata".
local function legacyRecord(v)
  local a = string.find(v, '\t', 1, true)
  local b = string.find(v, '\t', a + 1, true)
  local d = string.find(v, '\t', b + 1, true)
  local e = string.find(v, '\t', d + 1, true)
  return string.sub(v, 1, a - 1), string.sub(v, a + 1, b - 1), string.sub(v, b + 1, d - 1),
    string.sub(v, d + 1, e - 1), string.sub(v, e + 1)
end

-- No layout-1 records left: converted already (by this process or another), or empty.
if redis.call('EXISTS', KEYS[H]) == 0 then return { 'PERIOD_DONE' } end
local P = periodOf(KEYS[ZN], KEYS[R], KEYS[DZ])
-- The first step sizes the buckets for the whole period (no player joins while the board is
-- refused): no bucket splits while converting, and each step writes its buckets at once.
if redis.call('EXISTS', KEYS[R]) == 0 then
  redis.call('HSET', KEYS[R], '#', math.max(1, math.ceil(redis.call('HLEN', KEYS[H]) / 12)))
end
local scan = redis.call('HSCAN', KEYS[H], ARGV[3], 'COUNT', tonumber(ARGV[2]))
local batch = scan[2]
if #batch > 0 then
  local pids, added, removed, fields, entries, writes = {}, {}, {}, {}, {}, {}
  for i = 1, #batch, 2 do
    local pid = batch[i]
    local seqHex, at, score, dn, md = legacyRecord(batch[i + 1])
    local seq = tonumber(seqHex, 16)
    pids[#pids + 1] = pid
    added[#added + 1] = toK(order, score)
    added[#added + 1] = seqPrefix(seq) .. pid
    removed[#removed + 1] = seqHex .. pid
    -- As putRecord stores a new player's record (standings-write.lib.lua).
    local rec = encodeRecord(seq, tonumber(at), dn, md)
    if #pid + #rec > 128 then
      writes[#writes + 1] = '!' .. pid
      writes[#writes + 1] = rec
      rec = '!'
    end
    local b = bucketOf(P, pid)
    local entry = '\n' .. pid .. '\t' .. rec
    if entries[b] then
      entries[b] = entries[b] .. entry
    else
      entries[b] = entry
      fields[#fields + 1] = b
    end
  end
  local buckets = redis.call('HMGET', KEYS[R], unpack(fields))
  for i, b in ipairs(fields) do
    writes[#writes + 1] = b
    writes[#writes + 1] = (buckets[i] or '') .. entries[b]
  end
  redis.call('HSET', KEYS[R], unpack(writes))
  redis.call('ZADD', KEYS[ZN], unpack(added))
  redis.call('ZREM', KEYS[Z], unpack(removed))
  redis.call('HDEL', KEYS[H], unpack(pids))
end
if redis.call('EXISTS', KEYS[H]) == 1 then
  return { 'MORE', redis.call('HLEN', KEYS[H]), scan[1] }
end
-- This call converted the last records: the layout-1 zset is empty now (RENAME replaces it
-- should a stray member be left), and the new one takes its name.
redis.call('RENAME', KEYS[ZN], KEYS[Z])
redis.call('UNLINK', KEYS[DC])
return { 'PERIOD_DONE' }
