-- The league.moved announcements a board owes: periods whose settlement finished (settle-leagues.lua
-- adds them to R..'announce' in the step that finished them) and that no settler has announced.
-- KEYS: 1 cfg (the cohort keys derive from it and the board's generation, see cohorts.lib.lua).
-- ARGV: 1 'list' or 'done', 2 (done) the announced period.
-- list: { generation, { periodId, movements recorded in it, … } (oldest first) }; done: 1 when
-- removed.
--- @include "../../valkey/cohorts-read.lib"
local co = cohortConfig(KEYS[1])
if not co or not co.leagues then
  if ARGV[1] == 'list' then return { '', {} } end
  return 0
end
local owed = co.root .. 'announce'
if ARGV[1] == 'done' then return redis.call('HDEL', owed, ARGV[2]) end
local flat = redis.call('HGETALL', owed)
local owedPeriods = {}
for i = 1, #flat, 2 do owedPeriods[#owedPeriods + 1] = { flat[i], tonumber(flat[i + 1]) } end
-- fixed-width period ids: text order is number order
table.sort(owedPeriods, function(a, b) return a[1] < b[1] end)
local out = {}
for _, e in ipairs(owedPeriods) do
  out[#out + 1] = e[1]
  out[#out + 1] = e[2]
end
return { co.gen, out }
