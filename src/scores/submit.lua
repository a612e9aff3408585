-- One submission in one round trip: rate limits, mode, tie-break, metadata, idempotency,
-- previous and new standing.
-- KEYS 8..: rate-limit counters. ARGV: the rate-limit spec (rate-limit.lib.lua), then
-- playerId, score, displayName ('' = keep), metadata JSON ('' = keep), body hash ('' = no key)
local nLimits, A = limitArgs()
local b = loadBoard()
if not b then return { 'NOT_FOUND' } end
local replay = idempotentReplay(b, A[5])
if replay then
  if replay[1] == 'REPLAY' then replay[3], replay[4] = peekLimits(8, nLimits) end
  return replay
end
local limited = checkLimits(8, nLimits)
if limited then return limited end
local r = apply(b, A[1], A[2], A[3], A[4], nowMs())
if r[1] == 'OUT_OF_BOUNDS' then return r end
local limit, left = takeLimits(8, nLimits)
local encoded = table.concat(r, '\t')
remember(b, A[5], encoded)
return { 'OK', encoded, limit, left, b.mode }
