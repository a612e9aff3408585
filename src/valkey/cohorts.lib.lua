-- Cohorts and leagues of a board. A cohort board places each player, at their first accepted
-- submit in a period, in the newest cohort of their league that has room; each cohort keeps its
-- own sorted set holding exactly the members (same k, same member bytes) the board's sorted set
-- holds for its players, written by the same code path (submit.lib.lua's apply hands this lib
-- the member it wrote), so cohort ranks follow every tie rule of the board.
--
-- Keys, all under the board's hash tag (one slot), rooted at R = {lb:id}:co:<generation>: (the
-- board's createdAt, so a board deleted and created again never sees its predecessor's cohorts):
--   R..'lg'     hash playerId -> league index (0 = lowest), kept across periods (leagues only)
--   R..'lgc'    hash league index -> players in it
--   R..'periods' zset of the periods that have cohorts (score = the period number)
--   R..'pending' zset of periods whose movements are not all applied (leagues only; only those
--               before the current period are due)
--   per period P, under R..P..':':
--     h     hash: n (cohorts opened), o<L> (newest cohort of league L), l<c> (league of cohort c),
--           p<c> (players placed in c), s (settle cursor: cohorts below it are settled),
--           d<c> (cohort c settled early by a placement), mvn (movements recorded)
--     m     hash playerId -> "<cohort>\t<member>" (member '' while removed from the standings)
--     c<c>  zset: cohort c's standings (k and member as in the period's z)
--     d<c>  zset: its distinct k (dense boards)
--     mv    zset playerId by movement order; mvh hash playerId -> "from\tto\tcohort\tcohortRank"
--   {lb:id}:co:gens  set of generations that have cohort keys (for cleaning up)
-- These keys are derived here from the cfg key and the generation: a cohort id is only known
-- once the script has placed the player, so they cannot be declared in KEYS; they carry the cfg
-- key's hash tag, so they live in its slot (like archived periods' keys in erase.lua).
--- @include "standings.lib"
--- @include "standings-write.lib"
--- @include "board.lib"

-- The cfg fields cohortFrom reads (boardConfig in board.lib.lua).
local COHORT_FIELDS = { 'cohortSize', 'leagues', 'createdAt', 'rankMode', 'period', 'cols' }

-- The board's cohort settings, or nil when it has no cohorts, from its cfg fields read by
-- boardConfig (COHORT_FIELDS among them). `cfgKey`: {lb:id}:cfg.
-- co: size, rankMode, period (the current one), gen, tag ("{lb:id}:"), root (of the cohort keys)
-- and leagues (nil, or a list of {name, promote, demote}, lowest first).
local function cohortFrom(cfgKey, c)
  cfgHas(c, COHORT_FIELDS)
  local size = c.cohortSize
  if not size or size == '' then return nil end
  local tag = string.sub(cfgKey, 1, -4)
  local co = { size = tonumber(size), gen = c.createdAt, rankMode = c.rankMode, period = c.period, tag = tag,
    root = tag .. 'co:' .. c.createdAt .. ':', cols = c.cols or '' }
  local leagues = c.leagues
  if leagues and leagues ~= '' and leagues ~= '[]' then co.leagues = cjson.decode(leagues) end
  return co
end

-- The same for a script that reads no other cfg field.
local function cohortConfig(cfgKey)
  return cohortFrom(cfgKey, boardConfig(cfgKey, COHORT_FIELDS))
end

-- The prefix of a period's cohort keys.
local function cohortPeriod(co, periodId)
  return co.root .. periodId .. ':'
end

-- A cohort as a period the standings helpers (rankOf, renderRange, denseAdded) work on: its
-- sorted set, its distinct-k set (dense boards), and the records of the period it belongs to.
local function cohortStandings(co, periodId, cid, recordsKey)
  local per = cohortPeriod(co, periodId)
  -- The board's tie-break columns too: the members are the board's (tuple prefix, sequence, id).
  return withColumns({ z = per .. 'c' .. cid, dz = per .. 'd' .. cid, r = recordsKey }, co.cols)
end

-- The records hash of a period (current or archived): rows rendered from a cohort read it.
local function periodRecords(co, periodId)
  if periodId == co.period then return co.tag .. 'cur:r' end
  local _, r = archivedPeriodKeys(co.tag .. 'arc:', periodId)
  return r
end

-- "cid\tmember" (member '' while the player has no standing: removed) -> cid, member; nil if
-- the player has no cohort in the period.
local function membership(co, periodId, pid)
  local v = redis.call('HGET', cohortPeriod(co, periodId) .. 'm', pid)
  if not v then return nil end
  local t = string.find(v, '\t', 1, true)
  return string.sub(v, 1, t - 1), string.sub(v, t + 1)
end

-- Leagues ----------------------------------------------------------------------------------

local function leagueName(co, L)
  if not co.leagues or not L then return '' end
  return co.leagues[L + 1].name
end

-- Sets a player's league (0 = the lowest), keeping the per-league counts.
local function setLeague(co, pid, L)
  local old = redis.call('HGET', co.root .. 'lg', pid)
  if old and tonumber(old) == L then return end
  redis.call('HSET', co.root .. 'lg', pid, L)
  redis.call('HINCRBY', co.root .. 'lgc', L, 1)
  if old then redis.call('HINCRBY', co.root .. 'lgc', old, -1) end
end

-- How many of a cohort of league L with `s` ranked players move up and down: the top `promote`
-- move up (none from the top league), the bottom `demote` of the others move down (none from
-- the lowest), so a small cohort never moves a player both ways.
local function movers(co, L, s)
  local rule = co.leagues[L + 1]
  local up, down = 0, 0
  if L < #co.leagues - 1 then up = math.min(rule.promote, s) end
  if L > 0 then down = math.min(rule.demote, s - up) end
  return up, down
end

-- The move of the player at 0-based position i: 1, -1 or 0.
local function moveAt(co, L, i, s)
  local up, down = movers(co, L, s)
  if i < up then return 1 end
  if i >= s - down then return -1 end
  return 0
end

-- Whether a closed period's cohort has had its movements applied: the reset job's cursor has
-- passed it, or a placement settled it early (field d<cid>).
local function cohortSettled(h, cid)
  local s = redis.call('HMGET', h, 's', 'd' .. cid)
  return s[2] ~= false or tonumber(cid) < tonumber(s[1] or '1')
end

-- Applies a closed period's movements for one cohort not settled yet: sets the movers' leagues
-- and records each movement (mv: order -> player, mvh: player -> "from\tto\tcohortId\t
-- cohortRank"). Movers are taken in the cohort's order (ties: earliest to reach the score
-- first). `early`: a placement settles it ahead of the reset job and marks it (the job's cursor
-- marks the ones it passes). Returns the number of players moved.
local function settleCohort(co, periodId, cid, early)
  local per = cohortPeriod(co, periodId)
  local h = per .. 'h'
  local L = tonumber(redis.call('HGET', h, 'l' .. cid))
  local C = cohortStandings(co, periodId, cid, periodRecords(co, periodId))
  local s = redis.call('ZCARD', C.z)
  local up, down = movers(co, L, s)
  local moved = 0
  for _, band in ipairs({ { 0, up, 1 }, { s - down, down, -1 } }) do
    local first, n, delta = band[1], band[2], band[3]
    if n > 0 then
      local rows = renderRange(co.rankMode, 'asc', C, first, first + n - 1)
      for j = 1, #rows, 4 do
        local pid = rows[j]
        setLeague(co, pid, L + delta)
        redis.call('ZADD', per .. 'mv', redis.call('HINCRBY', h, 'mvn', 1), pid)
        redis.call('HSET', per .. 'mvh', pid, L .. '\t' .. (L + delta) .. '\t' .. cid .. '\t' .. rows[j + 3])
        moved = moved + 1
      end
    end
  end
  if early then redis.call('HSET', h, 'd' .. cid, 1) end
  return moved
end

-- Closed periods whose movements are not all applied yet, oldest first.
local function pendingPeriods(co)
  return redis.call('ZRANGE', co.root .. 'pending', '-inf', '(' .. tonumber(co.period), 'BYSCORE')
end

-- Settles the cohorts the player was in during closed, unsettled periods, oldest first, so their
-- league is final before they are placed again (the reset job may still be on its way).
local function settlePlayer(co, pid)
  for _, p in ipairs(pendingPeriods(co)) do
    local cid = membership(co, p, pid)
    if cid and not cohortSettled(cohortPeriod(co, p) .. 'h', cid) then settleCohort(co, p, cid, true) end
  end
end

-- The player's league as it stands once every closed period is settled, without writing: a read
-- sees the league the next placement will use. nil for a player never placed nor set.
local function effectiveLeague(co, pid)
  local L = redis.call('HGET', co.root .. 'lg', pid)
  L = L and tonumber(L)
  for _, p in ipairs(pendingPeriods(co)) do
    local cid, member = membership(co, p, pid)
    local h = cohortPeriod(co, p) .. 'h'
    if cid and member ~= '' and not cohortSettled(h, cid) then
      local CL = tonumber(redis.call('HGET', h, 'l' .. cid))
      local C = cohortStandings(co, p, cid, nil)
      local i = redis.call('ZRANK', C.z, member)
      local delta = i and moveAt(co, CL, i, redis.call('ZCARD', C.z)) or 0
      if delta ~= 0 then L = CL + delta end
    end
  end
  return L
end

-- Placement and standings -------------------------------------------------------------------

-- The player's cohort in the current period, placing them (arrival order: the script is atomic)
-- in the newest cohort of their league with room, or a new one. -> cid, member ('' = none yet).
local function placeInCohort(co, pid)
  local cid, member = membership(co, co.period, pid)
  if cid then return cid, member end
  local L = 0
  if co.leagues then
    settlePlayer(co, pid)
    local known = redis.call('HGET', co.root .. 'lg', pid)
    if known then L = tonumber(known) else setLeague(co, pid, 0) end
  end
  local h = cohortPeriod(co, co.period) .. 'h'
  local open = redis.call('HGET', h, 'o' .. L)
  if open and tonumber(redis.call('HGET', h, 'p' .. open)) < co.size then
    cid = open
  else
    cid = tostring(redis.call('HINCRBY', h, 'n', 1))
    redis.call('HSET', h, 'o' .. L, cid, 'l' .. cid, L)
    if cid == '1' then
      local num = tonumber(co.period)
      redis.call('ZADD', co.root .. 'periods', num, co.period)
      if co.leagues then redis.call('ZADD', co.root .. 'pending', num, co.period) end
      redis.call('SADD', co.tag .. 'co:gens', co.gen)
    end
  end
  redis.call('HINCRBY', h, 'p' .. cid, 1)
  return cid, ''
end

-- After apply wrote the player's new member (and k) to the board's sorted set: the same in
-- their cohort, placing them first if needed.
local function cohortWrite(co, pid, member, k)
  local cid, old = placeInCohort(co, pid)
  local C = cohortStandings(co, co.period, cid, nil)
  local dense = co.rankMode == 'dense'
  if old ~= '' then
    local oldK = redis.call('ZSCORE', C.z, old)
    redis.call('ZREM', C.z, old)
    if dense and oldK then denseRemoved(C, oldK, old) end
  end
  redis.call('ZADD', C.z, k, member)
  if dense then denseAdded(C, k, member) end
  redis.call('HSET', cohortPeriod(co, co.period) .. 'm', pid, cid .. '\t' .. member)
end

-- A player's cohort standing in a period: cid, cohort rank, cohort size (nil if not placed;
-- rank nil while the player has no standing).
local function cohortStanding(co, periodId, pid)
  local cid, member = membership(co, periodId, pid)
  if not cid then return nil end
  local C = cohortStandings(co, periodId, cid, nil)
  local total = redis.call('ZCARD', C.z)
  if member == '' then return cid, nil, total end
  if co.rankMode == 'ordinal' then return cid, redis.call('ZRANK', C.z, member) + 1, total end
  return cid, rankOf(co.rankMode, C, member, redis.call('ZSCORE', C.z, member)), total
end

-- Appends cohortId, cohortRank, cohortTotal to a submit result row.
local function cohortColumns(co, pid, row)
  local cid, rank, total = cohortStanding(co, co.period, pid)
  row[#row + 1] = cid or ''
  row[#row + 1] = rank or ''
  row[#row + 1] = total or ''
end

-- A player left the current period's standings (removal, purge): they leave their cohort's
-- sorted set but keep their place in it (a player stays in their cohort for the period).
local function cohortRemoved(co, pid)
  local cid, member = membership(co, co.period, pid)
  if not cid or member == '' then return end
  local C = cohortStandings(co, co.period, cid, nil)
  local k = redis.call('ZSCORE', C.z, member)
  redis.call('ZREM', C.z, member)
  if k and co.rankMode == 'dense' then denseRemoved(C, k, member) end
  redis.call('HSET', cohortPeriod(co, co.period) .. 'm', pid, cid .. '\t')
end

-- Erases a player from every period's cohorts, movements and the leagues (DELETE /v1/players).
local function cohortErase(co, pid)
  for _, p in ipairs(redis.call('ZRANGE', co.root .. 'periods', 0, -1)) do
    local cid, member = membership(co, p, pid)
    if cid then
      local per = cohortPeriod(co, p)
      if member ~= '' then
        local C = cohortStandings(co, p, cid, nil)
        local k = redis.call('ZSCORE', C.z, member)
        redis.call('ZREM', C.z, member)
        if k and co.rankMode == 'dense' then denseRemoved(C, k, member) end
      end
      redis.call('HDEL', per .. 'm', pid)
      redis.call('ZREM', per .. 'mv', pid)
      redis.call('HDEL', per .. 'mvh', pid)
    end
  end
  local L = redis.call('HGET', co.root .. 'lg', pid)
  if L then
    redis.call('HDEL', co.root .. 'lg', pid)
    redis.call('HINCRBY', co.root .. 'lgc', L, -1)
  end
end

-- The entry points of scripts that only sometimes touch cohorts: nothing on a board without.
local function cohortRemovedFrom(cfgKey, pid)
  local co = cohortConfig(cfgKey)
  if co then cohortRemoved(co, pid) end
end

local function cohortEraseFrom(cfgKey, pid)
  local co = cohortConfig(cfgKey)
  if co then cohortErase(co, pid) end
end

-- Purge: removePlayer calls P.removed(pid) for each player it removes.
local function cohortRemovals(cfgKey, P)
  local co = cohortConfig(cfgKey)
  if co then P.removed = function(pid) cohortRemoved(co, pid) end end
end

-- Player reads (players.lua): per requested player, cohortId, cohort rank, cohort size and
-- league name ('' where none), for the period whose sorted set is `zKey` (current or archived);
-- {} on a board without cohorts (`co`: the board's cohortFrom, nil). The league is the player's league now in the current period
-- (every closed period settled), and their cohort's league in an archived one.
local function cohortReadColumns(co, zKey, pids)
  if not co then return {} end
  local periodId = string.match(zKey, ':arc:(%d+):z$') or co.period
  local out = {}
  for _, pid in ipairs(pids) do
    local cid, rank, total = cohortStanding(co, periodId, pid)
    local league = ''
    if co.leagues then
      if periodId == co.period then
        league = leagueName(co, effectiveLeague(co, pid))
      elseif cid then
        league = leagueName(co, tonumber(redis.call('HGET', cohortPeriod(co, periodId) .. 'h', 'l' .. cid)))
      end
    end
    local o = #out
    out[o + 1], out[o + 2], out[o + 3], out[o + 4] = cid or '', rank or '', total or '', league
  end
  return out
end
