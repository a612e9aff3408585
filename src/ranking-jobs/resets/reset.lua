-- Archives the current period and opens an empty one, atomically: a racing submission runs
-- wholly before (lands in the archive) or wholly after (lands in the new period).
-- KEYS: 1 cfg, 2 z, 3 r, 4 dz (of the current period), 5 periods, 6 pmeta,
--       7 z, 8 r, 9 dz (of the archive for the expected period), 10 ver,
--       11 results-pending (ranking-jobs/results/results.keys.ts)
-- ARGV: 1 expected current period id (the archive keys are computed for it),
--       2 scheduled fire time in ms ('' = manual): only a period that started before it closes,
--         and it closes at that time (the new period starts there), whenever the job runs
--       3 for a scheduled reset, the "schedule<TAB>timezone" the fire time was computed from:
--         if the board's schedule changed or was removed since, the reset does not happen
--       4 the board generation the reset was asked for ('' = any, jobs queued before jobs
--         carried it): a board deleted and created again under the id is another board
--       5 '1' = the close at a tournament's endsAt (ARGV 2 = endsAt), '' = a schedule's fire:
--         see tournamentResetRefusal in valkey/tournament.lib.lua
-- Returns { 'RESET', archivedId, newId, endedAt }, { 'STALE', currentId } when another reset
-- got there first, { 'SKIPPED', currentId } when this fire time's reset already happened,
-- or { 'NOT_FOUND' } (no such board, or of another generation).
--- @include "../../valkey/time.lib"
--- @include "../../valkey/board.lib"
--- @include "../../valkey/layout.lib"
--- @include "../../valkey/tournament.lib"
--- @include "../../valkey/cohorts.lib"
local CFG, PERIODS, PMETA, VER, PENDING = 1, 5, 6, 10, 11
local generation = ARGV[4] or ''
if not boardGeneration(KEYS[CFG], generation ~= '' and generation or nil) then
  return { 'NOT_FOUND' }
end
-- A period's three keys (z, r, dz) are consecutive: the current ones from CUR_Z, the
-- archive's from ARC_Z, in the same order.
local CUR_Z, ARC_Z, PERIOD_KEYS = 2, 7, 3
local cfg = redis.call('HMGET', KEYS[CFG], 'period', 'periodStartedAt', 'layout')
if not cfg[1] then return { 'NOT_FOUND' } end
requireLayout(KEYS[CFG], cfg[3])
local current, startedAt = cfg[1], tonumber(cfg[2])
if ARGV[1] ~= current then return { 'STALE', current } end
local endedAt = nowMs()
if ARGV[2] ~= '' then
  local s = redis.call('HMGET', KEYS[CFG], 'resetSchedule', 'timezone')
  if (s[1] or '') .. '\t' .. (s[2] or '') ~= ARGV[3] then return { 'STALE', current } end
  local fireAt = tonumber(ARGV[2])
  local tournament = tournamentResetRefusal(KEYS[CFG], ARGV[5] or '', fireAt, current)
  if tournament then return tournament end
  -- this fire time's reset already happened (a retry, a second worker, a duplicate fire)
  if startedAt >= fireAt then return { 'SKIPPED', current } end
  endedAt = fireAt
end
local total = redis.call('ZCARD', KEYS[CUR_Z])
for i = 0, PERIOD_KEYS - 1 do
  local cur = KEYS[CUR_Z + i]
  if redis.call('EXISTS', cur) == 1 then redis.call('RENAME', cur, KEYS[ARC_Z + i]) end
end
-- Hidden players' entries (zh, named after z: valkey/hidden.lib.lua) are archived with the rest.
if redis.call('EXISTS', KEYS[CUR_Z] .. 'h') == 1 then redis.call('RENAME', KEYS[CUR_Z] .. 'h', KEYS[ARC_Z] .. 'h') end
redis.call('ZADD', KEYS[PERIODS], endedAt, current)
redis.call('HSET', KEYS[PMETA], current,
  '{"startedAt":' .. string.format('%.0f', startedAt) .. ',"endedAt":' .. string.format('%.0f', endedAt) ..
  ',"total":' .. total .. '}')
-- The closed period's results are written once by the results job, with the rewards as they
-- are now: a PATCH right after the close does not change what this period pays.
local rw = redis.call('HMGET', KEYS[CFG], 'rewards', 'resultsTop', 'createdAt')
redis.call('HSET', KEYS[PENDING], current, '{"generation":' .. rw[3] .. ',"resultsTop":' ..
  ((rw[2] and rw[2] ~= '') and rw[2] or '100') .. ',"rewards":' .. ((rw[1] and rw[1] ~= '') and rw[1] or '[]') .. '}')
-- demoteInactive: the close is due for settlement even if nobody played (valkey/cohorts.lib.lua).
cohortClosing(KEYS[CFG], current)
local nextId = string.format('%010d', tonumber(current) + 1)
redis.call('HSET', KEYS[CFG], 'period', nextId, 'periodStartedAt', string.format('%.0f', endedAt))
bumpVersion(KEYS[VER])
return { 'RESET', current, nextId, string.format('%.0f', endedAt) }
