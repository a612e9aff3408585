-- The league.moved announcements a board owes: periods whose settlement finished (settle-leagues.lua
-- adds them to R..'announce' in the step that finished them) and that no settler has announced.
-- KEYS: 1 cfg (the cohort keys derive from it and the board's generation, see cohorts.lib.lua).
-- ARGV: 1 'list' or 'done', 2 (done) the announced period.
-- list: a flat array periodId, movements recorded in it, … (oldest first); done: 1 when removed.
--- @include "../../valkey/cohorts-read.lib"
local co = cohortConfig(KEYS[1])
if not co or not co.leagues then
  if ARGV[1] == 'list' then return {} end
  return 0
end
local owed = co.root .. 'announce'
if ARGV[1] == 'done' then return redis.call('SREM', owed, ARGV[2]) end
local periods = redis.call('SMEMBERS', owed)
table.sort(periods)
local out = {}
for _, p in ipairs(periods) do
  out[#out + 1] = p
  out[#out + 1] = tonumber(redis.call('HGET', cohortPeriod(co, p) .. 'h', 'mvn') or '0')
end
return out
