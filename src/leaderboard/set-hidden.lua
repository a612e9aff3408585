-- Records a player's hidden flag in the global registry (hidden-players.keys.ts), and numbers the
-- change so a pass over the boards can tell whether the flag moved while it ran.
-- KEYS: 1 registry (hash playerId -> "<hiddenAt ms>\t<reason>"), 2 changes (hash playerId -> the
--       number of the player's last change), 3 change counter.
-- ARGV: 1 playerId, 2 '1' = hide, '' = unhide, 3 reason ('' = none; never holds a tab).
-- Returns { change number, registry value ('' = not hidden) }. Hiding a hidden player again keeps
-- when they were first hidden and replaces the reason.
--- @include "../valkey/time.lib"
local REGISTRY, CHANGES, COUNTER = 1, 2, 3
local pid = ARGV[1]
local change = redis.call('INCR', KEYS[COUNTER])
redis.call('HSET', KEYS[CHANGES], pid, change)
if ARGV[2] ~= '1' then
  redis.call('HDEL', KEYS[REGISTRY], pid)
  return { change, '' }
end
local prior = redis.call('HGET', KEYS[REGISTRY], pid)
local at = prior and string.sub(prior, 1, string.find(prior, '\t', 1, true) - 1) or string.format('%.0f', nowMs())
local value = at .. '\t' .. ARGV[3]
redis.call('HSET', KEYS[REGISTRY], pid, value)
return { change, value }
