-- Cohorts and leagues of a board, read side: the settings, the keys, a player's cohort standing and
-- league (cohorts.lib.lua holds the writes: placement, settling, removal, erasure).
--
-- A cohort board places each player, at their first accepted submit in a period, in the newest
-- cohort of their league that has room; each cohort keeps its own sorted set holding exactly the members (same k, same member bytes) the board's sorted set
-- holds for its players, written by the same code path (submit.lib.lua's apply hands this lib
-- the member it wrote), so cohort ranks follow every tie rule of the board.
--
-- Keys, all under the board's hash tag (one slot), rooted at R = {lb:id}:co:<generation>: (the
-- board's createdAt, so a board deleted and created again never sees its predecessor's cohorts):
--   R..'lg'     hash playerId -> league index (0 = lowest), kept across periods (leagues only);
--               on a board with demoteInactive "L:S", S the number of the first period the
--               league counts in (see inactiveDemotion)
--   R..'lgc'    hash league index -> players in it
--   R..'periods' zset of the periods that have cohorts (score = the period number)
--   R..'pending' zset of periods whose movements are not all applied (leagues only; only those
--               before the current period are due). With demoteInactive every close adds its
--               period, even one nobody played in.
--   R..'announce' hash settled period -> its movement count, for each period whose league.moved
--               is not announced yet (leagues only; league-announcements.lua)
--   per period P, under R..P..':':
--     h     hash: n (cohorts opened), o<L> (newest cohort of league L), l<c> (league of cohort c),
--           p<c> (players placed in c), s (settle cursor: cohorts below it are settled),
--           d<c> (cohort c settled early by a placement), mvn (movements recorded),
--           ic (demoteInactive: the settlement's HSCAN cursor over R..'lg', once cohorts are done)
--     m     hash playerId -> "<cohort>\t<member>" (member '' while removed from the standings)
--     c<c>  zset: cohort c's standings (k and member as in the period's z)
--     d<c>  zset: its distinct k (dense boards)
--     mv    zset playerId by movement order; mvh hash playerId -> "from\tto\tcohort\tcohortRank"
--           (cohort and rank '' for a player demoted for not playing)
--   {lb:id}:co:gens  set of generations that have cohort keys (for cleaning up)
-- These keys are derived here from the cfg key and the generation: a cohort id is only known
-- once the script has placed the player, so they cannot be declared in KEYS; they carry the cfg
-- key's hash tag, so they live in its slot (like archived periods' keys in erase.lua).
--- @include "standings.lib"
--- @include "board.lib"

-- The cfg fields cohortFrom reads (boardConfig in board.lib.lua).
local COHORT_FIELDS = { 'cohortSize', 'leagues', 'createdAt', 'rankMode', 'period', 'cols', 'demoteInactive' }

-- The board's cohort settings, or nil when it has no cohorts, from its cfg fields read by
-- boardConfig (COHORT_FIELDS among them). `cfgKey`: {lb:id}:cfg.
-- co: size, rankMode, period (the current one), gen, tag ("{lb:id}:"), root (of the cohort keys)
-- leagues (nil, or a list of {name, promote, demote}, lowest first) and demoteInactive (leagues
-- only).
local function cohortFrom(cfgKey, c)
  cfgHas(c, COHORT_FIELDS)
  local size = c.cohortSize
  if not size or size == '' then return nil end
  local tag = string.sub(cfgKey, 1, -4)
  local co = { size = tonumber(size), gen = c.createdAt, rankMode = c.rankMode, period = c.period, tag = tag,
    root = tag .. 'co:' .. c.createdAt .. ':', cols = c.cols or '' }
  local leagues = c.leagues
  if leagues and leagues ~= '' and leagues ~= '[]' then
    co.leagues = cjson.decode(leagues)
    co.demoteInactive = c.demoteInactive == 'true'
  end
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

local function leagueName(co, L)
  if not co.leagues or not L then return '' end
  return co.leagues[L + 1].name
end

-- An 'lg' value -> league, and the number of the first period it counts in (0 where not kept:
-- boards without demoteInactive, and values written before they had it).
local function parseLeague(v)
  local L, S = string.match(v, '^(%d+):?(%d*)$')
  return tonumber(L), tonumber(S) or 0
end

-- A player's league and its first period (see parseLeague); nil for a player never placed nor set.
local function leagueEntry(co, pid)
  local v = redis.call('HGET', co.root .. 'lg', pid)
  if not v then return nil, 0 end
  return parseLeague(v)
end

-- demoteInactive: whether closed period p demotes a player of league L (first period S) for not
-- playing in it: above the lowest league, a league that already counted during p (S <= p; so
-- never twice for one period, and never a league an admin set, or a player first placed, after
-- the close), and no cohort in p.
local function inactiveDemotion(co, p, pid, L, S)
  return co.demoteInactive and L ~= nil and L > 0 and S <= tonumber(p)
    and redis.call('HEXISTS', cohortPeriod(co, p) .. 'm', pid) == 0
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

-- Closed periods whose movements are not all applied yet, oldest first.
local function pendingPeriods(co)
  return redis.call('ZRANGE', co.root .. 'pending', '-inf', '(' .. tonumber(co.period), 'BYSCORE')
end

-- The player's league as it stands once every closed period is settled, without writing: a read
-- sees the league the next placement will use. nil for a player never placed nor set.
local function effectiveLeague(co, pid)
  local L, S = leagueEntry(co, pid)
  for _, p in ipairs(pendingPeriods(co)) do
    local cid, member = membership(co, p, pid)
    local h = cohortPeriod(co, p) .. 'h'
    if cid and member ~= '' and not cohortSettled(h, cid) then
      local CL = tonumber(redis.call('HGET', h, 'l' .. cid))
      local C = cohortStandings(co, p, cid, nil)
      local i = redis.call('ZRANK', C.z, member)
      local delta = i and moveAt(co, CL, i, redis.call('ZCARD', C.z)) or 0
      if delta ~= 0 then L, S = CL + delta, tonumber(p) + 1 end
    elseif not cid and inactiveDemotion(co, p, pid, L, S) then
      L, S = L - 1, tonumber(p) + 1
    end
  end
  return L
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
