-- Reads of a period's cohorts (current or archived): the list, a cohort's page, a player's whole
-- cohort. O(log N + M) each: a cohort is its own sorted set, rendered like a board page.
-- KEYS: 1 cfg, 2 z, 3 r, 4 dz (of the period read), 5 ver.
-- ARGV: 1 what ('list' | 'page' | 'player'), 2 the period id ('' = the current period), then
--       list: offset, limit; page: cohortId, offset, limit; player: playerId.
-- Returns { header, body } (header: see readContext; { 'NOT_FOUND' } for no such board), body:
--   { 'NO_COHORTS' } on a board without cohorts;
--   list:   { 'OK', cohort count, then per cohort: cohortId, league name, players }
--   page:   { 'OK', cohortId, league name, players, rows } or { 'NO_COHORT' }
--   player: { 'OK', cohortId, league name, players, rows } or { 'NO_COHORT' }
-- rows: (playerId, record, score, cohort rank) per entry, as renderRange gives them.
--- @include "../valkey/standings.lib"
--- @include "../valkey/cohorts.lib"
local ctx, header = readContext(KEYS[1], KEYS[5], KEYS[2], KEYS[3], KEYS[4], '')
if not ctx then return { { 'NOT_FOUND' }, {} } end
local co = cohortConfig(KEYS[1])
if not co then return { header, { 'NO_COHORTS' } } end
local what, periodId = ARGV[1], ARGV[2] ~= '' and ARGV[2] or co.period
local h = cohortPeriod(co, periodId) .. 'h'

local function cohortHead(cid)
  local L = redis.call('HGET', h, 'l' .. cid)
  if not L then return nil end
  local C = cohortStandings(co, periodId, cid, KEYS[3])
  return C, leagueName(co, tonumber(L)), redis.call('ZCARD', C.z)
end

if what == 'list' then
  local n = tonumber(redis.call('HGET', h, 'n') or '0')
  local out = { 'OK', n }
  local first = tonumber(ARGV[3]) + 1
  for cid = first, math.min(n, first + tonumber(ARGV[4]) - 1) do
    local _, league, size = cohortHead(cid)
    out[#out + 1], out[#out + 2], out[#out + 3] = cid, league, size
  end
  return { header, out }
end

local cid, offset, limit
if what == 'page' then
  cid, offset, limit = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
else
  cid = membership(co, periodId, ARGV[3])
  if not cid then return { header, { 'NO_COHORT' } } end
  offset, limit = 0, co.size
end
local C, league, size = cohortHead(cid)
if not C then return { header, { 'NO_COHORT' } } end
local rows = {}
if offset < size then rows = renderRange(ctx.rankMode, ctx.order, C, offset, offset + limit - 1) end
return { header, { 'OK', tonumber(cid), league, size, rows } }
