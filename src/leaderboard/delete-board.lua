-- Deletes a board: configuration, current period and every archived period (other features
-- drop their own keys of the board on `board.deleted`). KEYS: cfg, seq, periods, pmeta, cur z,
-- cur h, cur dz, cur dc.
-- ARGV: key prefix for archives ("{lb:id}:arc:"). Idempotency records expire on their own and
-- are ignored by a new board of the same id (they carry the old board's generation).
-- Archive keys share the board's hash tag, so they are in this script's slot.
-- UNLINK frees the memory in the background. Returns 1 if the board existed.
local existed = redis.call('EXISTS', KEYS[1])
local periods = redis.call('ZRANGE', KEYS[3], 0, -1)
for _, p in ipairs(periods) do
  local base = ARGV[1] .. p .. ':'
  redis.call('UNLINK', base .. 'z', base .. 'h', base .. 'dz', base .. 'dc')
end
redis.call('UNLINK', unpack(KEYS))
return existed
