#!lua flags=no-writes
-- Entries of the given players. KEYS: cfg, z, h, dz. ARGV: playerIds.
-- Returns { header, rows } with rows (playerId, packed entry or '', rank or 0).
local rankMode, header = readHeader(KEYS[1], KEYS[2])
if not rankMode then return { { 'NOT_FOUND' } } end
local order = redis.call('HGET', KEYS[1], 'sortOrder')
local rows = {}
for _, pid in ipairs(ARGV) do
  local v = redis.call('HGET', KEYS[3], pid)
  rows[#rows + 1] = pid
  if v then
    local seq, _, score = unpackEntry(v)
    rows[#rows + 1] = v
    rows[#rows + 1] = rankOf(rankMode, KEYS[2], KEYS[4], seq .. pid, toK(order, score))
  else
    rows[#rows + 1] = ''
    rows[#rows + 1] = 0
  end
end
return { header, rows }
