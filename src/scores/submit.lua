-- One submission in one round trip: rate limits, mode, tie-break, metadata, idempotency,
-- previous and new standing.
-- KEYS: those of submit.lib.lua (1 cfg, 2 seq, 3 z, 4 r, 5 dz, 6 ver, 7 idempotency record,
--       8 unscoped idempotency record, 9.. rate-limit counters).
-- ARGV: the rate-limit spec (rate-limit.lib.lua), then refusedOutside ('1' = a counter checked
--       outside the script has no room, '' = none), playerId, score, displayName ('' = keep),
--       metadata JSON ('' = keep), body hash ('' = no idempotency key).
-- Returns { 'OK', result row, limit, remaining, updateMode }, { 'REPLAY', result row, limit,
-- remaining }, { 'NOT_FOUND' }, { 'IDEMPOTENCY_CONFLICT' }, { 'RATE_LIMITED', index, limit }
-- (index 0: the counter outside) or { 'OUT_OF_BOUNDS', min, max, result }.
--- @include "submit.lib"
--- @include "../common/rate-limit.lib"
--- @include "../valkey/layout.lib"
--- @include "../valkey/standings.lib"
--- @include "../valkey/standings-write.lib"
--- @include "../valkey/time.lib"
--- @include "../valkey/cohorts.lib"
local nLimits, A = limitArgs()
local refusedOutside, pid, score, displayName, metadata, bodyHash = A[1] == '1', A[2], A[3], A[4],
  A[5], A[6]
local b = loadBoard()
if not b then return { 'NOT_FOUND' } end
b.co = cohortConfig(KEYS[CFG])
local refused = refusalOrReplay(b, bodyHash, nLimits, refusedOutside)
if refused then return refused end
local r = apply(b, pid, score, displayName, metadata, nowMs())
if r[1] == 'OUT_OF_BOUNDS' then return r end
if b.co then cohortColumns(b.co, pid, r) end
return accepted(b, bodyHash, table.concat(r, '\t'), nLimits, r[6] == 1)
