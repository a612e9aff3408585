-- Records what live subscribers last saw, only while the board exists with the expected
-- generation, so a late publish never re-creates the keys of a deleted (or re-created) board.
-- KEYS: cfg, snap, pstate.
-- ARGV: generation ('' = any), onlyIfAbsent ('1' keeps existing values), clear ('1' forgets
-- every player state first), ttl seconds, snapshot JSON ('' = leave it), then playerId, state pairs.
-- Returns 1 if written, 0 if the board is gone.
local gen = redis.call('HGET', KEYS[1], 'createdAt')
if not gen or (ARGV[1] ~= '' and gen ~= ARGV[1]) then return 0 end
local nx, ttl = ARGV[2] == '1', tonumber(ARGV[4])
if ARGV[3] == '1' then redis.call('DEL', KEYS[3]) end
if ARGV[5] ~= '' then
  if nx then
    redis.call('SET', KEYS[2], ARGV[5], 'EX', ttl, 'NX')
  else
    redis.call('SET', KEYS[2], ARGV[5], 'EX', ttl)
  end
end
if #ARGV > 5 then
  for i = 6, #ARGV, 2 do
    if nx then
      redis.call('HSETNX', KEYS[3], ARGV[i], ARGV[i + 1])
    else
      redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
    end
  end
  redis.call('EXPIRE', KEYS[3], ttl)
end
return 1
