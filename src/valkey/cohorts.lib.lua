-- Cohorts and leagues of a board, write side: placing players, settling cohorts into league
-- movements, removal and erasure. The settings, the key layout and the reads are in
-- cohorts-read.lib.lua (scripts that only read include that alone: fewer functions to create per call).
--- @include "cohorts-read.lib"
--- @include "standings.lib"
--- @include "standings-write.lib"
--- @include "board.lib"

-- Sets a player's league (0 = the lowest), counting from period number `since` (kept only with
-- demoteInactive), and the per-league counts.
local function setLeague(co, pid, L, since)
  local old = leagueEntry(co, pid)
  if old == L and not co.demoteInactive then return end
  redis.call('HSET', co.root .. 'lg', pid, co.demoteInactive and (L .. ':' .. since) or L)
  if old == L then return end
  redis.call('HINCRBY', co.root .. 'lgc', L, 1)
  if old then redis.call('HINCRBY', co.root .. 'lgc', old, -1) end
end

-- Records a movement of closed period `periodId` (cid and rank '' for a demotion for not playing).
local function recordMove(co, periodId, pid, from, to, cid, rank)
  local per = cohortPeriod(co, periodId)
  redis.call('ZADD', per .. 'mv', redis.call('HINCRBY', per .. 'h', 'mvn', 1), pid)
  redis.call('HSET', per .. 'mvh', pid, from .. '\t' .. to .. '\t' .. cid .. '\t' .. rank)
end

-- Demotes a player of league L one league for not playing in closed period p, and records it.
local function demoteInactivePlayer(co, p, pid, L)
  setLeague(co, pid, L - 1, tonumber(p) + 1)
  recordMove(co, p, pid, L, L - 1, '', '')
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
        setLeague(co, pid, L + delta, tonumber(periodId) + 1)
        recordMove(co, periodId, pid, L, L + delta, cid, rows[j + 3])
        moved = moved + 1
      end
    end
  end
  if early then redis.call('HSET', h, 'd' .. cid, 1) end
  return moved
end

-- Settles the cohorts the player was in during closed, unsettled periods, oldest first, and
-- their demotions for periods they did not play in (demoteInactive), so their league is final
-- before they are placed again (the reset job may still be on its way).
local function settlePlayer(co, pid)
  for _, p in ipairs(pendingPeriods(co)) do
    local cid = membership(co, p, pid)
    if cid then
      if not cohortSettled(cohortPeriod(co, p) .. 'h', cid) then settleCohort(co, p, cid, true) end
    else
      local L, S = leagueEntry(co, pid)
      if inactiveDemotion(co, p, pid, L, S) then demoteInactivePlayer(co, p, pid, L) end
    end
  end
end

-- The player's cohort in the current period, placing them (arrival order: the script is atomic)
-- in the newest cohort of their league with room, or a new one. -> cid, member ('' = none yet).
local function placeInCohort(co, pid)
  local cid, member = membership(co, co.period, pid)
  if cid then return cid, member end
  local L = 0
  if co.leagues then
    settlePlayer(co, pid)
    local known = leagueEntry(co, pid)
    if known then L = known else setLeague(co, pid, 0, tonumber(co.period)) end
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
  local L = leagueEntry(co, pid)
  if L then
    redis.call('HDEL', co.root .. 'lg', pid)
    redis.call('HINCRBY', co.root .. 'lgc', L, -1)
  end
end

-- At a period close (reset.lua, before the new period opens): on a board demoting inactive
-- players, the closed period is due for settlement even if nobody played in it.
local function cohortClosing(cfgKey, periodId)
  local co = cohortConfig(cfgKey)
  if not co or not co.demoteInactive or redis.call('EXISTS', co.root .. 'lg') == 0 then return end
  local num = tonumber(periodId)
  redis.call('ZADD', co.root .. 'periods', num, periodId)
  redis.call('ZADD', co.root .. 'pending', num, periodId)
  redis.call('SADD', co.tag .. 'co:gens', co.gen)
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
