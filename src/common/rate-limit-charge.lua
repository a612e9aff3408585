-- Charges the counters unconditionally, for work already done (a submission the submit script
-- accepted after rate-limit-peek.lua found room).
-- KEYS: the counters (all of them: RATE_KEYS_FROM is 1).
-- ARGV: the rate-limit spec (rate-limit.lib.lua): n, then n (limit, cost, field) triples.
-- Returns { limit, remaining } of the tightest counter (remaining may be negative).
--- @include "rate-limit.lib"
local RATE_KEYS_FROM = 1
local n = limitArgs()
local limit, left = takeLimits(RATE_KEYS_FROM, n)
return { limit, left }
