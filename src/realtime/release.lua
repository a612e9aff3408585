-- Releases one holder's watch leases on players. A player another holder still watches keeps
-- its lease, ending with the latest remaining one; a player nobody watches any more is
-- forgotten at once, with its recorded standing. A player without holder entries (a lease
-- taken before holders were kept) is left to expire.
-- KEYS: 1 players, 2 holders, 3 pstate.
-- ARGV: 1 holder, 2 now (ms), then player ids.
-- Returns how many players nobody watches any more.
--- @include "live.lib"
local PLAYERS, HOLDERS, PSTATE = 1, 2, 3
local HOLDER, NOW, PLAYERS_FROM = 1, 2, 3
local holder, now = ARGV[HOLDER], tonumber(ARGV[NOW])
local released = 0
for i = PLAYERS_FROM, #ARGV do
  local pid = ARGV[i]
  local raw = redis.call('HGET', KEYS[HOLDERS], pid)
  if raw then
    local others = {}
    for _, h in ipairs(validHolders(raw, now)) do
      if h[1] ~= holder then others[#others + 1] = h end
    end
    local latest = storeHolders(KEYS[HOLDERS], pid, others)
    if latest then
      redis.call('ZADD', KEYS[PLAYERS], 'XX', latest, pid)
    else
      redis.call('ZREM', KEYS[PLAYERS], pid)
      redis.call('HDEL', KEYS[PSTATE], pid)
      released = released + 1
    end
  end
end
return released
