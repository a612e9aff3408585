#!lua flags=allow-oom
-- writes: counters only (the per-IP read counter; see LuaScript.mayWrite)
-- Entries of the given players.
-- KEYS, ARGV: see read.lib.lua; the script's own arguments are ifVersion ('' =
--       unconditional), then the playerIds.
-- KEYS[6 + the number of read counters], for a read of the current period: the entrants key.
-- Returns { header (its cohorts: cohorts.lib.lua's cohortReadColumns), rows, rate, attempts
-- (tournament.lib.lua's attemptsRead) } with rows (playerId, record or '', score or '', rank or 0),
-- { {'NOT_MODIFIED', version}, {}, rate }, { {'NOT_FOUND'}, {}, rate } or
-- { {'RATE_LIMITED', index, limit} }.
--- @include "../valkey/standings.lib"
--- @include "read.lib"
--- @include "../valkey/tournament-read.lib"
--- @include "../valkey/cohorts-read.lib"

-- The cfg fields the tournament and cohort helpers need come with the read's own (one HMGET).
local ctx, header, rate, A = beginRead(1, true)
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
-- ctx.cfg: nil on a board with neither cohorts nor attempts (readContext)
local cfg, attempts = ctx.cfg, {}
if cfg then
  header.cohorts = cohortReadColumns(cohortFrom(KEYS[1], cfg), KEYS[2], { unpack(A, 2) })
  attempts = attemptsRead(tournamentFrom(cfg), KEYS[6 + tonumber(ARGV[1])], A, 2)
end
return { headerReply(header), rows, rate, attempts }
