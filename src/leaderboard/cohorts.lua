-- Reads of a period's cohorts (current or archived): the list, a cohort's page, a player's whole
-- cohort. O(log N + M) each: a cohort is its own sorted set, rendered like a board page.
-- KEYS: 1 cfg, 2 z, 3 r, 4 dz (of the period read), 5 ver.
-- ARGV: 1 what ('list' | 'page' | 'player' | 'leagues' | 'movements'), 2 the period id ('' = the
--       current period), then list: offset, limit; page: cohortId, offset, limit; player:
--       playerId; movements: offset, limit.
-- Returns { header, body } (header: see readContext; { 'NOT_FOUND' } for no such board), body:
--   { 'NO_COHORTS' } on a board without cohorts;
--   list:   { 'OK', cohort count, then per cohort: cohortId, league name, players }
--   page:   { 'OK', cohortId, league name, players, rows } or { 'NO_COHORT' }
--   player: { 'OK', cohortId, league name, players, rows } or { 'NO_COHORT' }
--   leagues:   { 'OK', closed periods not settled yet, then per league: name, players } or
--              { 'NO_LEAGUES' }
--   movements: { 'OK', settled (1/0), movements in all, then per movement: playerId, from
--              league, to league, cohortId, cohort rank (both nil: demoted for not playing) } or
--              { 'NO_LEAGUES' }
-- rows: (playerId, record, score, cohort rank) per entry, as renderRange gives them.
--- @include "../valkey/standings.lib"
--- @include "../valkey/cohorts-read.lib"
local ctx, header = readContext(KEYS[1], KEYS[5], KEYS[2], KEYS[3], KEYS[4], '', true)
if not ctx then return { { 'NOT_FOUND' }, {} } end
header = headerReply(header)
local co = ctx.cfg and cohortFrom(KEYS[1], ctx.cfg)
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

if what == 'leagues' or what == 'movements' then
  if not co.leagues then return { header, { 'NO_LEAGUES' } } end
  if what == 'leagues' then
    local out = { 'OK', #pendingPeriods(co) }
    local counts = redis.call('HGETALL', co.root .. 'lgc')
    local byLeague = {}
    for i = 1, #counts, 2 do byLeague[tonumber(counts[i])] = tonumber(counts[i + 1]) end
    for L = 0, #co.leagues - 1 do
      out[#out + 1], out[#out + 2] = co.leagues[L + 1].name, byLeague[L] or 0
    end
    return { header, out }
  end
  local per = cohortPeriod(co, periodId)
  local pending = redis.call('ZSCORE', co.root .. 'pending', periodId)
  local out = { 'OK', pending and 0 or 1, redis.call('ZCARD', per .. 'mv') }
  local offset = tonumber(ARGV[3])
  local pids = redis.call('ZRANGE', per .. 'mv', offset, offset + tonumber(ARGV[4]) - 1)
  if #pids > 0 then
    local moves = redis.call('HMGET', per .. 'mvh', unpack(pids))
    for i, pid in ipairs(pids) do
      -- cohort and rank are '' for a demotion for not playing (demoteInactive): null
      local from, to, cid, rank = string.match(moves[i] or '', '^(%d+)\t(%d+)\t(%d*)\t(%d*)$')
      if from then
        local o = #out
        out[o + 1], out[o + 2], out[o + 3] = pid, leagueName(co, tonumber(from)), leagueName(co, tonumber(to))
        out[o + 4], out[o + 5] = tonumber(cid) or false, tonumber(rank) or false
      end
    end
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
