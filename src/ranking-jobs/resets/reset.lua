-- Archives the current period and opens an empty one, atomically: a racing submission runs
-- wholly before (lands in the archive) or wholly after (lands in the new period).
-- KEYS: 1 cfg, 2 cur z, 3 cur h, 4 cur dz, 5 cur dc, 6 periods, 7 pmeta,
--       8 arc z, 9 arc h, 10 arc dz, 11 arc dc  (the archive keys for the expected period)
-- ARGV: 1 expected current period id (the archive keys are computed for it),
--       2 scheduled fire time in ms ('' = manual): only a period that started before it closes,
--         and it closes at that time (the new period starts there), whenever the job runs
--       3 for a scheduled reset, the "schedule<TAB>timezone" the fire time was computed from:
--         if the board's schedule changed or was removed since, the reset does not happen
-- Returns { 'RESET', archivedId, newId, endedAt }, { 'STALE', currentId } when another reset
-- got there first, { 'SKIPPED', currentId } when this fire time's reset already happened,
-- or { 'NOT_FOUND' }.
local cfg = redis.call('HMGET', KEYS[1], 'period', 'periodStartedAt')
if not cfg[1] then return { 'NOT_FOUND' } end
local current, startedAt = cfg[1], tonumber(cfg[2])
if ARGV[1] ~= current then return { 'STALE', current } end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local endedAt = now
if ARGV[2] ~= '' then
  local s = redis.call('HMGET', KEYS[1], 'resetSchedule', 'timezone')
  if (s[1] or '') .. '\t' .. (s[2] or '') ~= ARGV[3] then return { 'STALE', current } end
  local fireAt = tonumber(ARGV[2])
  -- this fire time's reset already happened (a retry, a second worker, a duplicate fire)
  if startedAt >= fireAt then return { 'SKIPPED', current } end
  endedAt = fireAt
end
local total = redis.call('ZCARD', KEYS[2])
for i = 2, 5 do
  if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('RENAME', KEYS[i], KEYS[i + 6]) end
end
redis.call('ZADD', KEYS[6], endedAt, current)
redis.call('HSET', KEYS[7], current,
  '{"startedAt":' .. string.format('%.0f', startedAt) .. ',"endedAt":' .. string.format('%.0f', endedAt) ..
  ',"total":' .. total .. '}')
local nextId = string.format('%010d', tonumber(current) + 1)
redis.call('HSET', KEYS[1], 'period', nextId, 'periodStartedAt', string.format('%.0f', endedAt))
return { 'RESET', current, nextId, string.format('%.0f', endedAt) }
