#!lua flags=no-writes
-- One player's current-period standing on each of several boards (GET /v1/players/{id}/standings).
-- On a cluster every board is a slot of its own, so the repository sends one board per call; on a
-- standalone Valkey, a chunk of boards per call (no read limit here: the guard charged it).
-- KEYS: per board, 1 cfg, 2 z, 3 r, 4 dz (of its current period), 5 ver.
-- ARGV: 1 playerId.
-- Returns one element per board, in KEYS order: { {'NOT_FOUND'} } for a board that is gone, else
-- { header, record or '', score or '', rank or 0 } with the header of readContext (on a cohort
-- board, its cohorts: the player's cohort columns, as players.lua gives them). A board still
-- in another storage layout fails the call ('LAYOUT …'), as its player read would.
--- @include "../valkey/standings.lib"
--- @include "../valkey/hidden.lib"
--- @include "../valkey/cohorts-read.lib"
local pid = ARGV[1]
local out = {}
for b = 0, #KEYS / 5 - 1 do
  local i = 5 * b
  local ctx, header = readContext(KEYS[i + 1], KEYS[i + 5], KEYS[i + 2], KEYS[i + 3], KEYS[i + 4], '', true)
  if not ctx then
    out[b + 1] = { { 'NOT_FOUND' } }
  else
    -- The player's own read: a hidden player's standing is their plausible one (hidden.lib.lua).
    local rec, score, rank = ownStandingOf(ctx, header, pid)
    if rec and ctx.cfg then header.cohorts = cohortReadColumns(cohortFrom(KEYS[i + 1], ctx.cfg), KEYS[i + 2], { pid }) end
    out[b + 1] = { headerReply(header), rec or '', score or '', rank or 0 }
  end
end
return out
