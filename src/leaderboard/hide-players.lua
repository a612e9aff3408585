-- Hides players on one board, or shows them again: marks them in the board's hidden set and moves
-- each one's entry of the current period and of every archived period from z into zh (or back),
-- member and score unchanged (valkey/hidden-write.lib.lua), atomically: a submission runs wholly
-- before (its entry is moved) or wholly after (it sees the mark). An archived period's total in
-- pmeta follows its visible entries. Idempotent.
-- KEYS: 1 cfg, 2 hidden set, 3 periods, 4 pmeta, 5 ver, 6 z, 7 r, 8 dz, 9 zh (of the current period).
-- ARGV: 1 '1' = hide, '' = show, 2 archive key prefix ("{lb:id}:arc:": archived periods' keys are
--       derived from it, same hash tag), 3.. playerIds.
-- Returns -1 when the board does not exist (nothing marked), else { entries moved in the current
-- period, entries moved in archived periods }.
--- @include "../valkey/board.lib"
--- @include "../valkey/layout.lib"
--- @include "../valkey/standings.lib"
--- @include "../valkey/standings-write.lib"
--- @include "../valkey/hidden-write.lib"
--- @include "../valkey/cohorts-read.lib"
--- @include "../valkey/cohorts.lib"
local CFG, HIDDEN, PERIODS, PMETA, VER, Z, R, DZ, ZH = 1, 2, 3, 4, 5, 6, 7, 8, 9
local c = redis.call('HMGET', KEYS[CFG], 'rankMode', 'layout', 'cols')
if not c[1] then return -1 end
requireLayout(KEYS[CFG], c[2])
local hide, dense = ARGV[1] == '1', c[1] == 'dense'
local current = periodOf(KEYS[Z], KEYS[R], KEYS[DZ], c[3])
current.zh = KEYS[ZH]
local archived = {}
for _, p in ipairs(redis.call('ZRANGE', KEYS[PERIODS], 0, -1)) do
  local z, r, dz = archivedPeriodKeys(ARGV[2], p)
  archived[#archived + 1] = { id = p, P = periodOf(z, r, dz, c[3]), moved = 0 }
end
local co = cohortConfig(KEYS[CFG])
local moved, movedArchived = 0, 0
for i = 3, #ARGV do
  local pid = ARGV[i]
  if hide then redis.call('SADD', KEYS[HIDDEN], pid) else redis.call('SREM', KEYS[HIDDEN], pid) end
  local m = moveEntry(current, pid, hide, dense)
  moved = moved + m
  -- The player's cohort of the current period follows (cohorts.lib): out of its sorted set while
  -- hidden (the seat is kept), back in when shown.
  if co and m > 0 then
    if hide then
      cohortRemoved(co, pid)
    else
      local member = memberOf(current, getRecord(current, pid), pid)
      cohortWrite(co, pid, member, redis.call('ZSCORE', current.z, member))
    end
  end
  for _, a in ipairs(archived) do a.moved = a.moved + moveEntry(a.P, pid, hide, dense) end
end
for _, a in ipairs(archived) do
  local meta = a.moved > 0 and redis.call('HGET', KEYS[PMETA], a.id)
  local total = meta and string.match(meta, '"total":(%d+)')
  if total then
    local n = tonumber(total) + (hide and -a.moved or a.moved)
    redis.call('HSET', KEYS[PMETA], a.id, (string.gsub(meta, '"total":%d+', '"total":' .. string.format('%d', n), 1)))
  end
  movedArchived = movedArchived + a.moved
end
if moved + movedArchived > 0 then bumpVersion(KEYS[VER]) end
return { moved, movedArchived }
