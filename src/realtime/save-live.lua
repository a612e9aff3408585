-- Records what live subscribers last saw, only while the board exists with the expected
-- generation, so a late publish never re-creates the keys of a deleted (or re-created) board.
-- KEYS: 1 cfg, 2 snap, 3 pstate.
-- ARGV: 1 generation ('' = any), 2 onlyIfAbsent ('1' keeps existing values), 3 clear ('1'
--       forgets every player state first), 4 ttl seconds, 5 snapshot JSON ('' = leave it),
--       6.. playerId, state pairs.
-- Returns 1 if written, 0 if the board is gone.
--- @include "../valkey/board.lib"
local CFG, SNAP, PSTATE = 1, 2, 3
local PAIRS_FROM = 6
local generation = ARGV[1]
if generation == '' then generation = nil end
if not boardGeneration(KEYS[CFG], generation) then return 0 end
local nx, ttl = ARGV[2] == '1', tonumber(ARGV[4])
if ARGV[3] == '1' then redis.call('DEL', KEYS[PSTATE]) end
if ARGV[5] ~= '' then
  if nx then
    redis.call('SET', KEYS[SNAP], ARGV[5], 'EX', ttl, 'NX')
  else
    redis.call('SET', KEYS[SNAP], ARGV[5], 'EX', ttl)
  end
end
if #ARGV >= PAIRS_FROM then
  for i = PAIRS_FROM, #ARGV, 2 do
    if nx then
      redis.call('HSETNX', KEYS[PSTATE], ARGV[i], ARGV[i + 1])
    else
      redis.call('HSET', KEYS[PSTATE], ARGV[i], ARGV[i + 1])
    end
  end
  redis.call('EXPIRE', KEYS[PSTATE], ttl)
end
return 1
