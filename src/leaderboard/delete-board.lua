-- Deletes a board: configuration, current period and every archived period (other features
-- drop their own keys of the board on `board.deleted`). Idempotency records expire on their own
-- and are ignored by a new board of the same id (they carry the old board's generation).
-- UNLINK frees the memory in the background. Works in any storage layout, or mid-migration.
-- KEYS: 1 cfg, 2 seq, 3 periods, 4 pmeta, 5 ver, then the current period's keys of every layout
--       (z, r, dz; h, dc, zn), its hidden players' zset zh, the board's hidden set and the
--       tournament entrants hash; all of them are unlinked.
-- ARGV: 1 archive key prefix ("{lb:id}:arc:").
-- Returns 1 if the board existed, else 0.
--- @include "../valkey/board.lib"
local CFG, PERIODS = 1, 3
local existed = redis.call('EXISTS', KEYS[CFG])
for _, p in ipairs(redis.call('ZRANGE', KEYS[PERIODS], 0, -1)) do
  unlinkArchivedPeriod(ARGV[1], p)
end
redis.call('UNLINK', unpack(KEYS))
-- The results still to be written for its closed periods (ranking-jobs/results/results.keys.ts),
-- derived from the board's tag like the archive keys: they go in the same step.
redis.call('UNLINK', string.sub(KEYS[CFG], 1, -4) .. 'results-pending')
return existed
