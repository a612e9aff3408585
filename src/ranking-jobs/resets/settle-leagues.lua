-- One bounded step of a period close on a board with leagues: applies the promotions and
-- demotions of up to ARGV[1] cohorts of the oldest closed period not yet settled, from its
-- cursor (field `s` of the period's cohort hash), skipping cohorts a placement settled early,
-- and stops early once it has done ARGV[2] units of work: 10 per cohort, 1 per player moved
-- (a unit is ~7 µs here: bench/leagues.mjs), so no step holds Valkey long. A step does at least
-- one whole cohort, so its longest is one cohort's movers (at most cohortSize players).
-- (Valkey's clock stands still during a script, so the budget counts work.)
-- The cursor moves in the same atomic step as the leagues, so a worker killed between steps, a
-- retry or two workers racing never apply a cohort twice nor skip one.
-- KEYS: 1 cfg (the cohort keys derive from it and the board's generation, see cohorts.lib.lua).
-- On a board with demoteInactive, once its cohorts are done, the period's steps go on through
-- the board's league hash with HSCAN (cursor: field `ic`), ~2 players per budget unit a step,
-- demoting each player who had a league above the lowest during the period and no cohort in it
-- (cohorts.lib.lua's inactiveDemotion: a player's league carries the first period it counts in,
-- so HSCAN's repeats, retries and racing workers demote a player at most once per period).
-- KEYS: 1 cfg (the cohort keys derive from it and the board's generation, see cohorts.lib.lua).
-- ARGV: 1 most cohorts per step, 2 work budget of a step (at least one cohort is done).
-- Returns { 'NONE' } when nothing is pending (or the board has no leagues / does not exist),
-- { 'PROGRESS', periodId, moved this step, cohorts done, cohorts } or { 'DONE', periodId,
-- moved this step, moved in the period }: the step that finished the period (exactly one),
-- which also records the period and its movement count in R..'announce' (its league.moved is owed).
--- @include "../../valkey/cohorts-read.lib"
--- @include "../../valkey/cohorts.lib"
--- @include "../../valkey/layout.lib"
local co = cohortConfig(KEYS[1])
if not co or not co.leagues then return { 'NONE' } end
local p = pendingPeriods(co)[1]
if not p then return { 'NONE' } end
local h = cohortPeriod(co, p) .. 'h'
local st = redis.call('HMGET', h, 'n', 's')
local n, cur = tonumber(st[1] or '0'), tonumber(st[2] or '1')
local budget = tonumber(ARGV[2])
local moved, work = 0, 0
local function progress()
  if moved > 0 then bumpVersion(co.tag .. 'ver') end
  return { 'PROGRESS', p, moved, math.min(cur - 1, n), n }
end
if cur <= n then
  local last = math.min(n, cur + tonumber(ARGV[1]) - 1)
  for cid = cur, last do
    if redis.call('HEXISTS', h, 'd' .. cid) == 0 then
      local m = settleCohort(co, p, cid, false)
      moved, work = moved + m, work + 10 + m
    end
    if cid < last and work >= budget then
      last = cid
      break
    end
  end
  cur = last + 1
  redis.call('HSET', h, 's', cur)
  -- The scan of the absent starts in a step of its own.
  if last < n or (co.demoteInactive and work > 0) then return progress() end
end
if co.demoteInactive then
  local scan = redis.call('HSCAN', co.root .. 'lg', redis.call('HGET', h, 'ic') or '0', 'COUNT', 2 * budget)
  local entries = scan[2]
  for i = 1, #entries, 2 do
    local pid = entries[i]
    local L, S = parseLeague(entries[i + 1])
    if inactiveDemotion(co, p, pid, L, S) then
      demoteInactivePlayer(co, p, pid, L)
      moved = moved + 1
    end
  end
  redis.call('HSET', h, 'ic', scan[1])
  if scan[1] ~= '0' then return progress() end
end
if moved > 0 then bumpVersion(co.tag .. 'ver') end
redis.call('ZREM', co.root .. 'pending', p)
-- Its league.moved is owed from now on, kept until announced (league-announcements.lua), so a
-- worker that dies after this step still announces it at the next settlement.
local mvn = tonumber(redis.call('HGET', h, 'mvn') or '0')
-- (with its count: a prune may drop the period's cohort keys before the announcement)
redis.call('HSET', co.root .. 'announce', p, mvn)
return { 'DONE', p, moved, mvn }
