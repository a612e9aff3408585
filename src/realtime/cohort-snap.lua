-- Records the cohort lists live subscribers last saw (`cohort.top`), per watched player, only
-- while the board exists with the expected generation (a late publish never re-creates keys of
-- a deleted board), and answers which of them changed.
-- KEYS: 1 cfg, 2 csnap (hash playerId -> the last published cohort list, JSON).
-- ARGV: 1 generation ('' = any), 2 onlyIfAbsent ('1': a subscriber's baseline), 3 ttl seconds,
--       4.. playerId, list pairs.
-- Returns the playerIds whose list differed from the recorded one (and was recorded), or -1
-- when the board is gone.
--- @include "../valkey/board.lib"
local CFG, CSNAP = 1, 2
local generation = ARGV[1]
if generation == '' then generation = nil end
if not boardGeneration(KEYS[CFG], generation) then return -1 end
local changed = {}
for i = 4, #ARGV, 2 do
  local was = redis.call('HGET', KEYS[CSNAP], ARGV[i])
  if was ~= ARGV[i + 1] and not (ARGV[2] == '1' and was) then
    redis.call('HSET', KEYS[CSNAP], ARGV[i], ARGV[i + 1])
    changed[#changed + 1] = ARGV[i]
  end
end
if #ARGV >= 4 then redis.call('EXPIRE', KEYS[CSNAP], tonumber(ARGV[3])) end
return changed
