-- One submission in one round trip: rate limits, mode, tie-break, metadata, idempotency,
-- previous and new standing.
-- KEYS: those of submit.lib.lua (1 cfg, 2 seq, 3 z, 4 r, 5 dz, 6 ver, 7 idempotency record,
--       8 unscoped idempotency record, 9.. rate-limit counters).
-- ARGV: the rate-limit spec (rate-limit.lib.lua), then refusedOutside ('1' = a counter checked
--       outside the script has no room, '' = none), playerId, score, displayName ('' = keep),
--       metadata JSON ('' = keep), body hash ('' = no idempotency key), subscores ("s1,s2", '' = none).
-- Returns { 'OK', result row, limit, remaining, updateMode }, { 'REPLAY', result row, limit,
-- remaining }, { 'NOT_FOUND' }, { 'IDEMPOTENCY_CONFLICT' }, { 'RATE_LIMITED', index, limit }
-- (index 0: the counter outside), { 'OUT_OF_BOUNDS', min, max, result } or { 'SUBSCORES', reason,
-- columns } (see parseSubs in submit.lib.lua).
--- @include "submit.lib"
--- @include "../common/rate-limit.lib"
--- @include "../valkey/layout.lib"
--- @include "../valkey/standings.lib"
--- @include "../valkey/standings-write.lib"
--- @include "../valkey/time.lib"
--- @include "../valkey/tournament.lib"
--- @include "../valkey/hidden-write.lib"
--- @include "../valkey/cohorts.lib"
local nLimits, A = limitArgs()
local refusedOutside, pid, score, displayName, metadata, bodyHash, subs = A[1] == '1', A[2], A[3], A[4],
  A[5], A[6], A[7] or ''
local b = loadBoard()
if not b then return { 'NOT_FOUND' } end
local refused = refusalOrReplay(b, bodyHash, nLimits, refusedOutside)
if refused then return refused end
-- Tournament rules (valkey/tournament.lib.lua; the entrants key is the last of KEYS, after the
-- rate-limit counters): { 'ENTRY_REFUSED', … } changes nothing; an accepted write is an attempt.
local entry, attempts = entryRefusal(b.t, KEYS[#KEYS], { pid })
if entry then return entry end
local veiled = unveil(b.P, b.rankMode == 'dense', hiddenSetOf(KEYS[CFG]), pid) -- a hidden player (hidden-write.lib)
local r = apply(b, pid, score, displayName, metadata, nowMs(), subs)
if b.co and r[1] ~= 'OUT_OF_BOUNDS' and r[1] ~= 'SUBSCORES' then cohortColumns(b.co, pid, r) end
if veiled then
  moveEntry(b.P, pid, true, b.rankMode == 'dense')
  if b.co then cohortRemoved(b.co, pid) end -- out of sight in the cohort too
end
if r[1] == 'OUT_OF_BOUNDS' or r[1] == 'SUBSCORES' then return r end
recordAttempts(attempts, KEYS[6])
return accepted(b, bodyHash, table.concat(r, '\t'), nLimits, r[6] == 1)
