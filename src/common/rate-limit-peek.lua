#!lua flags=no-writes
-- Whether the counters have room for their costs, taking nothing (the per-key submit counter on
-- a cluster: charged by rate-limit-charge.lua only once the submit script has accepted).
-- KEYS: the counters (all of them: RATE_KEYS_FROM is 1).
-- ARGV: the rate-limit spec (rate-limit.lib.lua): n, then n (limit, cost, field) triples.
-- Returns { 'OK', limit, remaining } (the tightest counter, before this request's cost) or
-- { 'RATE_LIMITED', index, limit }.
--- @include "rate-limit.lib"
local RATE_KEYS_FROM = 1
local n = limitArgs()
local limited = checkLimits(RATE_KEYS_FROM, n)
if limited then return limited end
local limit, left = peekLimits(RATE_KEYS_FROM, n)
return { 'OK', limit, left }
