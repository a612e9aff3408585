-- One submission in one round trip: rate limits, mode, tie-break, metadata, idempotency,
-- previous and new standing.
-- KEYS 8..: rate-limit counters. ARGV: the rate-limit spec (rate-limit.lib.lua), then
-- playerId, score, displayName ('' = keep), metadata JSON ('' = keep), body hash ('' = no key)
local nLimits, A = limitArgs()
local b = loadBoard()
if not b then return { 'NOT_FOUND' } end
local refused = refusalOrReplay(b, A[5], nLimits)
if refused then return refused end
local r = apply(b, A[1], A[2], A[3], A[4], nowMs())
if r[1] == 'OUT_OF_BOUNDS' then return r end
local limit, left = takeLimits(8, nLimits)
local encoded = table.concat(r, '\t')
remember(b, A[5], encoded)
return { 'OK', encoded, limit, left, b.mode }
