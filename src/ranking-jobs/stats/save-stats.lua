-- Stores computed stats only while the board exists with the generation they were computed
-- for: a recomputation that finishes after a delete never re-creates the key.
-- KEYS: 1 cfg, 2 stats.
-- ARGV: 1 generation, 2 stats JSON.
-- Returns 1 if stored, 0 otherwise.
--- @include "../../valkey/board.lib"
local CFG, STATS = 1, 2
if not boardGeneration(KEYS[CFG], ARGV[1]) then return 0 end
redis.call('SET', KEYS[STATS], ARGV[2])
return 1
