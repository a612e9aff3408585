-- One bounded step of a period close on a board with leagues: applies the promotions and
-- demotions of up to ARGV[1] cohorts of the oldest closed period not yet settled, from its
-- cursor (field `s` of the period's cohort hash), skipping cohorts a placement settled early,
-- and stops early once it has done ARGV[2] units of work: 10 per cohort, 1 per player moved
-- (a unit is ~10 µs here: bench/leagues.mjs), so no step holds Valkey long whatever the
-- cohorts' size. (Valkey's clock stands still during a script, so the budget counts work.)
-- The cursor moves in the same atomic step as the leagues, so a worker killed between steps, a
-- retry or two workers racing never apply a cohort twice nor skip one.
-- KEYS: 1 cfg (the cohort keys derive from it and the board's generation, see cohorts.lib.lua).
-- ARGV: 1 most cohorts per step, 2 work budget of a step (at least one cohort is done).
-- Returns { 'NONE' } when nothing is pending (or the board has no leagues / does not exist),
-- { 'PROGRESS', periodId, moved this step, cohorts done, cohorts } or { 'DONE', periodId,
-- moved this step, moved in the period }: the step that finished the period (exactly one).
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
local last = math.min(n, cur + tonumber(ARGV[1]) - 1)
local moved, work = 0, 0
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
redis.call('HSET', h, 's', last + 1)
if moved > 0 then bumpVersion(co.tag .. 'ver') end
if last < n then return { 'PROGRESS', p, moved, last, n } end
redis.call('ZREM', co.root .. 'pending', p)
return { 'DONE', p, moved, tonumber(redis.call('HGET', h, 'mvn') or '0') }
