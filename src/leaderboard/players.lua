#!lua flags=allow-oom
-- writes: counters only (the per-IP read counter; see LuaScript.mayWrite)
-- Entries of the given players.
-- KEYS, ARGV: see read.lib.lua; the script's own arguments are ifVersion ('' =
--       unconditional), then the playerIds.
-- Returns { header, rows, rate } with rows (playerId, record or '', score or '', rank or 0),
-- { {'NOT_MODIFIED', version}, {}, rate }, { {'NOT_FOUND'}, {}, rate } or
-- { {'RATE_LIMITED', index, limit} }.
--- @include "../valkey/standings.lib"
--- @include "read.lib"
--- @include "../valkey/cohorts.lib"
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

local ctx, header, rate, A = beginRead(1)
if not ctx then return header end -- the answer already: refused, not found or not modified
local rows = {}
for i = 2, #A do
  local pid = A[i]
  local rec, score, rank = standingOf(ctx.rankMode, ctx.order, ctx.P, pid)
  rows[#rows + 1] = pid
  rows[#rows + 1] = rec or ''
  rows[#rows + 1] = score or ''
  rows[#rows + 1] = rank or 0
end
header[7] = cohortReadColumns(KEYS[1], KEYS[2], { unpack(A, 2) })
return { header, rows, rate }
