#!lua flags=allow-oom
-- writes: counters only (the per-IP read counter; see LuaScript.mayWrite)
-- Entries of the given players.
-- KEYS: 1 cfg, 2 z, 3 r, 4 dz (of the period read), 5 ver, 6.. the per-IP read counter (see
--       page.lua).
-- ARGV: the rate-limit spec (rate-limit.lib.lua), then ifVersion ('' = unconditional), then
--       the playerIds.
-- Returns { header, rows, rate } with rows (playerId, record or '', score or '', rank or 0),
-- { {'NOT_MODIFIED', version}, {}, rate }, { {'NOT_FOUND'}, {}, rate } or
-- { {'RATE_LIMITED', index, limit} }.
--- @include "../valkey/standings.lib"
--- @include "../common/rate-limit.lib"
local CFG, Z, R, DZ, VER = 1, 2, 3, 4, 5
-- A player's record, score (decimal) and rank, or nil when absent: ZRANK … WITHSCORE for an
-- ordinal rank, ZSCORE and one ZCOUNT otherwise.
local function standingOf(rankMode, order, P, pid)
  local rec = getRecord(P, pid)
  if not rec then return nil end
  local member = seqPrefix(tonumber(string.sub(rec, 1, 14), 16)) .. pid
  if rankMode == 'ordinal' then
    local zr = redis.call('ZRANK', P.z, member, 'WITHSCORE')
    return rec, toK(order, zr[2]), zr[1] + 1
  end
  local k = redis.call('ZSCORE', P.z, member)
  return rec, toK(order, k), rankOf(rankMode, P, member, k)
end

local rate, A = readLimit(6)
if not A then return rate end
local ctx, header, unchanged = readContext(KEYS[CFG], KEYS[VER], KEYS[Z], KEYS[R], KEYS[DZ], A[1])
if not ctx then return { { 'NOT_FOUND' }, {}, rate } end
if unchanged then return { unchanged[1], {}, rate } end
local rows = {}
for i = 2, #A do
  local pid = A[i]
  local rec, score, rank = standingOf(ctx.rankMode, ctx.order, ctx.P, pid)
  rows[#rows + 1] = pid
  rows[#rows + 1] = rec or ''
  rows[#rows + 1] = score or ''
  rows[#rows + 1] = rank or 0
end
return { header, rows, rate }
