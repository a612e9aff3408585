-- Removes up to ARGV[3] players whose score is within [ARGV[1], ARGV[2]] (inclusive) from the
-- current period. Called repeatedly so a huge purge never blocks Valkey for long.
-- KEYS: cfg, z, h, dz, dc. Returns the number removed, or -1 if the board does not exist.
local order = redis.call('HGET', KEYS[1], 'sortOrder')
if not order then return -1 end
local lo, hi = ARGV[1], ARGV[2]
if order == 'desc' then lo, hi = neg(ARGV[2]), neg(ARGV[1]) end
local members = redis.call('ZRANGE', KEYS[2], lo, hi, 'BYSCORE', 'LIMIT', 0, tonumber(ARGV[3]))
local removed = 0
for _, member in ipairs(members) do
  removed = removed + removePlayer(order, KEYS[2], KEYS[3], KEYS[4], KEYS[5], string.sub(member, SEQ_WIDTH + 1))
end
return removed
