-- Updates fields of an existing board.
-- KEYS: 1 cfg, 2 ver.
-- ARGV: field, value, ... (the fields to change).
-- Returns 1 if updated, 0 if the board does not exist, -1 (and writes nothing) if the result
-- would have minScore > maxScore: checked here, atomically, so two PATCHes racing each other
-- cannot leave impossible bounds behind. -2 or -3 (and writes nothing): a tournament's startsAt
-- or endsAt moved after it ended, or left startsAt at or after endsAt (valkey/tournament.lib.lua).
--- @include "../valkey/layout.lib"
--- @include "../valkey/tournament.lib"
local CFG, VER = 1, 2
if redis.call('EXISTS', KEYS[CFG]) == 0 then return 0 end
local bounds = redis.call('HMGET', KEYS[CFG], 'minScore', 'maxScore')
local min, max = tonumber(bounds[1]), tonumber(bounds[2])
for i = 1, #ARGV, 2 do
  if ARGV[i] == 'minScore' then min = tonumber(ARGV[i + 1]) end
  if ARGV[i] == 'maxScore' then max = tonumber(ARGV[i + 1]) end
end
if min > max then return -1 end
local tournament = tournamentPatchRefusal(KEYS[CFG], ARGV)
if tournament then return tournament end
redis.call('HSET', KEYS[CFG], unpack(ARGV))
bumpVersion(KEYS[VER])
return 1
