-- Stores a closed period's results once: nothing is written if they exist already (a retry, a
-- second worker), if the board is gone or of another generation, if the period is no longer
-- archived, or if the archive changed since it was read (an erasure removed a player: the
-- results are computed again from what is left).
-- KEYS: 1 cfg, 2 pmeta, 3 the archived period's zset, 4 results.
-- ARGV: 1 generation, 2 periodId, 3 the archive's member count when it was read, 4 header JSON,
--       then playerId, entry JSON pairs.
-- Returns 'WRITTEN', 'EXISTS', 'NOT_FOUND' (board), 'NOT_ARCHIVED' or 'CHANGED'.
--- @include "../../valkey/board.lib"
local CFG, PMETA, ARC_Z, RESULTS = 1, 2, 3, 4
if not boardGeneration(KEYS[CFG], ARGV[1]) then return 'NOT_FOUND' end
if redis.call('HEXISTS', KEYS[PMETA], ARGV[2]) == 0 then return 'NOT_ARCHIVED' end
if redis.call('EXISTS', KEYS[RESULTS]) == 1 then return 'EXISTS' end
if redis.call('ZCARD', KEYS[ARC_Z]) ~= tonumber(ARGV[3]) then return 'CHANGED' end
redis.call('HSET', KEYS[RESULTS], '#', ARGV[4])
-- In chunks: unpack has a limit on how many values it spreads.
local chunk = {}
for i = 5, #ARGV do
  chunk[#chunk + 1] = ARGV[i]
  if #chunk == 1000 then
    redis.call('HSET', KEYS[RESULTS], unpack(chunk))
    chunk = {}
  end
end
if #chunk > 0 then redis.call('HSET', KEYS[RESULTS], unpack(chunk)) end
return 'WRITTEN'
