#!lua flags=allow-oom
-- writes: counters only (the per-IP read counter; see LuaScript.mayWrite)
-- One player's entry, read by that player's id (GET …/players/{playerId}, current or archived
-- period): a hidden player gets their plausible standing and a total counting them
-- (valkey/hidden.lib.lua); lookups of several players (players.lua) leave hidden players out.
-- KEYS, ARGV: see read.lib.lua; the script's own arguments are ifVersion ('' = unconditional),
--       then the playerId.
-- Returns { header, { playerId, record or '', score or '', rank or 0 }, rate, attempts } (the
-- rows, header and attempts of players.lua), { {'NOT_MODIFIED', version}, {}, rate }, { {'NOT_FOUND'}, {}, rate } or
-- { {'RATE_LIMITED', index, limit} }.
--- @include "../valkey/standings.lib"
--- @include "read.lib"
--- @include "../valkey/hidden.lib"
--- @include "../valkey/tournament-read.lib"
--- @include "../valkey/cohorts-read.lib"

-- The cfg fields the tournament and cohort helpers need come with the read's own (one HMGET).
local ctx, header, rate, A = beginRead(1, true)
if not ctx then return header end -- the answer already: refused, not found or not modified
local rec, score, rank = ownStandingOf(ctx, header, A[2])
-- On a cohort board the player's cohort columns, on a tournament board's current period their
-- attempts (as in players.lua).
-- ctx.cfg: nil on a board with neither cohorts nor attempts (readContext)
local cfg, attempts = ctx.cfg, {}
if cfg then
  header.cohorts = cohortReadColumns(cohortFrom(KEYS[1], cfg), KEYS[2], { A[2] })
  attempts = attemptsRead(tournamentFrom(cfg), KEYS[6 + tonumber(ARGV[1])], A, 2)
end
return { headerReply(header), { A[2], rec or '', score or '', rank or 0 }, rate, attempts }
