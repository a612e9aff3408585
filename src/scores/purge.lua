-- Removes up to `count` players whose score is within [min, max] (inclusive) from the
-- current period. Called repeatedly so a huge purge never blocks Valkey for long.
-- KEYS: 1 cfg, 2 z, 3 h, 4 dz, 5 dc (of the current period).
-- ARGV: 1 min score, 2 max score, 3 count.
-- Returns the number removed, or -1 if the board does not exist.
--- @include "../valkey/standings.lib"
local CFG, Z, H, DZ, DC = 1, 2, 3, 4, 5
local order = redis.call('HGET', KEYS[CFG], 'sortOrder')
if not order then return -1 end
local lo, hi = ARGV[1], ARGV[2]
if order == 'desc' then lo, hi = neg(ARGV[2]), neg(ARGV[1]) end
local members = redis.call('ZRANGE', KEYS[Z], lo, hi, 'BYSCORE', 'LIMIT', 0, tonumber(ARGV[3]))
local removed = 0
for _, member in ipairs(members) do
  local pid = string.sub(member, SEQ_WIDTH + 1)
  removed = removed + removePlayer(order, KEYS[Z], KEYS[H], KEYS[DZ], KEYS[DC], pid)
end
return removed
