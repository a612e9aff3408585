#!lua flags=no-writes
-- Entries of the given players.
-- KEYS: 1 cfg, 2 z, 3 h, 4 dz (of the period read).
-- ARGV: the playerIds.
-- Returns { header, rows } with rows (playerId, packed entry or '', rank or 0), or
-- { {'NOT_FOUND'} }.
--- @include "../valkey/standings.lib"
local CFG, Z, H, DZ = 1, 2, 3, 4
local rankMode, header = readHeader(KEYS[CFG], KEYS[Z])
if not rankMode then return { { 'NOT_FOUND' } } end
local order = redis.call('HGET', KEYS[CFG], 'sortOrder')
local rows = {}
for _, pid in ipairs(ARGV) do
  local v = redis.call('HGET', KEYS[H], pid)
  rows[#rows + 1] = pid
  if v then
    local seq, _, score = unpackEntry(v)
    rows[#rows + 1] = v
    rows[#rows + 1] = rankOf(rankMode, KEYS[Z], KEYS[DZ], seq .. pid, toK(order, score))
  else
    rows[#rows + 1] = ''
    rows[#rows + 1] = 0
  end
end
return { header, rows }
